import http, { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { UpstreamProvider } from '../providers/relay-providers.service';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** Client headers never forwarded: the relay's own credentials and what it sets itself. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'x-api-key', 'authorization', 'cookie', 'accept-encoding']);

/** Upstream headers not copied back: hop-by-hop ones (Node frames the response itself). */
const NOT_RETURNED = new Set([...HOP_BY_HOP].filter((h) => h !== 'content-length'));

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });

/** Time allowed until the upstream answers with headers (a non-streamed reply may take minutes). */
const HEADERS_TIMEOUT_MS = 10 * 60 * 1000;

export function upstreamPath(p: UpstreamProvider, endpoint: string, query: string): string {
  const base = p.url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${base}${endpoint}${query}`;
}

export function forwardHeaders(client: IncomingHttpHeaders, apiKey: string, length: number): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    out[name] = value;
  }
  out['x-api-key'] = apiKey;
  out['accept-encoding'] = 'identity';
  out['content-length'] = String(length);
  return out;
}

export function returnedHeaders(upstream: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || NOT_RETURNED.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface UpstreamCall {
  /** resolves with the response once its headers arrived; rejects on connection errors */
  response: Promise<IncomingMessage>;
  abort(reason: string): void;
}

/**
 * Requests still waiting for their response headers, with their deadlines. One unref'd sweep a
 * second ends those past HEADERS_TIMEOUT_MS: a timer per request would create and drop a timer
 * list on every call while requests do not overlap.
 */
const waiting = new Map<http.ClientRequest, number>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const [req, deadline] of waiting) {
    if (deadline <= now) {
      waiting.delete(req);
      req.destroy(new Error(`no answer within ${HEADERS_TIMEOUT_MS} ms`));
    }
  }
  if (waiting.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function awaitHeaders(req: http.ClientRequest): void {
  waiting.set(req, Date.now() + HEADERS_TIMEOUT_MS);
  if (!sweeper) {
    sweeper = setInterval(sweep, 1000);
    sweeper.unref();
  }
}

/** One POST to a provider: the body bytes unchanged, the response left unread for streaming. */
export function callUpstream(p: UpstreamProvider, path: string, headers: Record<string, string | string[]>, body: Buffer): UpstreamCall {
  const tls = p.url.protocol === 'https:';
  const req = (tls ? https : http).request({
    protocol: p.url.protocol,
    hostname: p.url.hostname,
    port: p.url.port || (tls ? 443 : 80),
    method: 'POST',
    path,
    headers,
    agent: tls ? httpsAgent : httpAgent,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    awaitHeaders(req);
    req.once('response', (res) => {
      waiting.delete(req);
      resolve(res);
    });
    req.once('error', (err) => {
      waiting.delete(req);
      reject(err);
    });
  });
  response.catch(() => undefined);
  req.end(body);
  return {
    response,
    abort: (reason) => req.destroy(new Error(reason)),
  };
}
