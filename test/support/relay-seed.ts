import type { Redis } from 'ioredis';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';

/** One session to write in the relay's Redis layout, as the gateway's tracker would. */
export interface SeedSession {
  id: string;
  userId: number;
  userName: string;
  keyId?: number;
  keyName?: string;
  providerId?: number;
  providerName?: string;
  model?: string;
  /** ms of the last request; default now */
  lastAt?: number;
  /** number of requests to write (each with a request hash); default 1; 0 writes the session hash and indexes only */
  requests?: number;
  inFlight?: number;
  /** write headers and bodies of each request */
  messages?: boolean;
  /** size of each stored response body (bytes of JSON text); default small */
  responseBodyBytes?: number;
}

/**
 * Writes sessions into the relay layout with pipelined commands (a test and bench helper: the
 * admin API reads exactly what the gateway writes). Keys get a TTL like the real ones.
 */
export async function seedRelaySessions(
  redis: Redis,
  prefix: string,
  sessions: SeedSession[],
  opts: { ttlSeconds?: number; chunk?: number } = {},
): Promise<void> {
  const k = relayKeys(prefix);
  const ttl = opts.ttlSeconds ?? 3600;
  const chunk = opts.chunk ?? 500;
  const now = Date.now();
  for (let start = 0; start < sessions.length; start += chunk) {
    const p = redis.pipeline();
    for (const s of sessions.slice(start, start + chunk)) {
      const lastAt = s.lastAt ?? now;
      const n = s.requests ?? 1;
      const firstAt = lastAt - Math.max(0, n - 1) * 1000;
      const model = s.model ?? 'claude-sonnet-4-5';
      const provider = { id: s.providerId ?? 1, name: s.providerName ?? 'fake-upstream' };
      p.hset(k.session(s.id), {
        userId: s.userId,
        userName: s.userName,
        keyId: s.keyId ?? s.userId,
        keyName: s.keyName ?? `${s.userName}-key`,
        providerId: provider.id,
        providerName: provider.name,
        providers: JSON.stringify([provider]),
        model,
        models: JSON.stringify([model]),
        idSource: 'metadata.session_id',
        firstAt,
        lastAt,
        requests: n,
        inFlight: s.inFlight ?? 0,
        inputTokens: 100 * n,
        outputTokens: 20 * n,
        cacheCreationTokens: 5 * n,
        cacheReadTokens: 50 * n,
        costMicros: 1234 * n,
        durationMs: 800 * n,
        lastStatus: (s.inFlight ?? 0) > 0 ? 'in_progress' : 'completed',
        ...((s.inFlight ?? 0) > 0 ? { lastLease: 'seed-0' } : {}),
      });
      p.expire(k.session(s.id), ttl);
      if (n > 0) p.set(k.seq(s.id), n, 'EX', ttl);
      for (let seq = 1; seq <= n; seq++) {
        const startedAt = firstAt + (seq - 1) * 1000;
        const inProgress = seq === n && (s.inFlight ?? 0) > 0;
        const status = inProgress ? 'in_progress' : seq % 7 === 0 ? 'error' : 'completed';
        p.hset(k.request(s.id, seq), {
          seq,
          startedAt,
          ...(inProgress ? {} : { endedAt: startedAt + 800, durationMs: 800, statusCode: status === 'error' ? 529 : 200 }),
          model,
          providerId: provider.id,
          providerName: provider.name,
          status,
          stream: seq % 2,
          inputTokens: 100,
          outputTokens: 20,
          cacheCreationTokens: 5,
          cacheReadTokens: 50,
          costMicros: 1234,
          userAgent: 'claude-cli/2.0.14 (external, cli)',
          // the lease below that an instance serving it would hold
          ...(inProgress ? { lease: 'seed-0' } : {}),
          ...(status === 'error' ? { error: 'upstream overloaded' } : {}),
        });
        p.expire(k.request(s.id, seq), ttl);
        p.zadd(k.requests(s.id), startedAt, seq);
        if (s.messages) {
          const body = { model, max_tokens: 1024, messages: [{ role: 'user', content: `request ${seq} of ${s.id}` }] };
          const text = `answer ${seq} `.repeat(Math.max(1, Math.floor((s.responseBodyBytes ?? 64) / 10)));
          const response = {
            id: `msg_${seq}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [{ type: 'text', text }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 100, output_tokens: 20 },
          };
          p.set(
            k.requestHeaders(s.id, seq),
            `content-type: application/json\nx-api-key: sk-r…****\nuser-agent: claude-cli/2.0.14`,
            'EX',
            ttl,
          );
          p.set(k.requestBody(s.id, seq), JSON.stringify(body), 'EX', ttl);
          p.set(k.responseHeaders(s.id, seq), `content-type: application/json\nrequest-id: req_${seq}`, 'EX', ttl);
          p.set(k.responseBody(s.id, seq), JSON.stringify(response), 'EX', ttl);
        }
      }
      if (n > 0) p.expire(k.requests(s.id), ttl);
      // requests in flight hold leases, as an instance serving them would
      for (let i = 0; i < (s.inFlight ?? 0); i++) {
        p.zadd(k.inflight(), now + ttl * 1000, `${s.id}|seed-${i}`);
        p.hincrby(k.inflightBySession(), s.id, 1);
      }
      p.zadd(k.all(), lastAt, s.id);
      p.zadd(k.active(), lastAt, s.id);
      p.zadd(k.byUser(s.userId), lastAt, s.id);
      p.zadd(k.byKey(s.keyId ?? s.userId), lastAt, s.id);
      p.expire(k.byUser(s.userId), ttl);
      p.expire(k.byKey(s.keyId ?? s.userId), ttl);
    }
    p.expire(k.all(), ttl);
    p.expire(k.active(), ttl);
    p.expire(k.inflight(), ttl);
    p.expire(k.inflightBySession(), ttl);
    await p.exec();
  }
}

/** Deletes every key under a prefix with SCAN (cleanup only; never on a serving path). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
