import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_ID_PATTERN } from '../sessions/relay-session.keys';

export type IdSource = 'header' | 'metadata.user_id' | 'metadata.session_id' | 'x-session-id' | 'hash' | 'new';

export class InvalidSessionId extends Error {}

interface MessagesBody {
  metadata?: { user_id?: unknown; session_id?: unknown } | null;
  messages?: unknown;
}

const LEGACY_USER_ID = /_session_([A-Za-z0-9-]{1,128})$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The id the client sent, in DESIGN §6's order of precedence. */
export function clientSessionId(headers: IncomingHttpHeaders, body: MessagesBody): { id: string; source: IdSource } | undefined {
  const h = header(headers, 'x-claude-code-session-id');
  if (h !== undefined) return { id: h, source: 'header' };
  const userId = body.metadata?.user_id;
  if (typeof userId === 'string' && userId !== '') {
    if (userId.startsWith('{')) {
      try {
        const parsed = JSON.parse(userId) as { session_id?: unknown };
        if (typeof parsed.session_id === 'string') return { id: parsed.session_id, source: 'metadata.user_id' };
      } catch {
        // not JSON: maybe the older form
      }
    }
    const m = LEGACY_USER_ID.exec(userId);
    if (m) return { id: m[1]!, source: 'metadata.user_id' };
  }
  const sid = body.metadata?.session_id;
  if (typeof sid === 'string') return { id: sid, source: 'metadata.session_id' };
  const x = header(headers, 'x-session-id');
  if (x !== undefined) return { id: x, source: 'x-session-id' };
  return undefined;
}

/**
 * The relay's session id for a request. A client-supplied id is scoped to the key
 * (`k<keyId>_<id>`, hashed when that would exceed 256 characters), so one key cannot join another
 * key's session. Throws InvalidSessionId for ids with forbidden characters or over 256 characters.
 */
export function resolveSessionId(keyId: number, headers: IncomingHttpHeaders, body: MessagesBody): { sid: string; source: IdSource } {
  const sent = clientSessionId(headers, body);
  if (sent) {
    if (!SESSION_ID_PATTERN.test(sent.id)) {
      throw new InvalidSessionId(`The session id from ${sent.source} must be 1 to 256 letters, digits, ".", "_", ":" or "-"`);
    }
    const scoped = `k${keyId}_${sent.id}`;
    const sid = scoped.length <= 256 ? scoped : `k${keyId}_h${createHash('sha256').update(sent.id).digest('hex').slice(0, 40)}`;
    return { sid, source: sent.source };
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  if (messages.length > 0) {
    // weak: a compressed conversation changes its first message
    const digest = createHash('sha256').update(`${keyId}\n`).update(JSON.stringify(messages[0])).digest('hex').slice(0, 32);
    return { sid: `k${keyId}_m${digest}`, source: 'hash' };
  }
  return { sid: newSessionId(keyId), source: 'new' };
}

export function newSessionId(keyId: number): string {
  return `k${keyId}_n${randomUUID()}`;
}
