import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../../config/config';
import { RelayKeysService, type RelayCaller } from '../keys/relay-keys.service';
import { RelayProvidersService, type UpstreamProvider } from '../providers/relay-providers.service';
import { RelayRedis } from '../sessions/relay-redis';
import { boundFirst, RelaySessionTracker, type Candidate, type OpenInput, type StoredPart } from '../sessions/relay-session.tracker';
import type { RelayRequestStatus } from '../relay.types';
import { isProviderFailure, providerFailureAnswer, sendAnthropicError, sseErrorEvent, type AnthropicErrorType } from './anthropic-error';
import { CappedCapture, headersText } from './message-capture';
import { InvalidSessionId, newSessionId, resolveSessionId, type IdSource } from './session-id';
import { callUpstream, forwardHeaders, returnedHeaders, upstreamPath, type UpstreamCall } from './upstream.client';
import { costMicros, emptyUsage, jsonUsage, priceFor, SseUsageReader, type Usage } from './usage';

export type Endpoint = 'messages' | 'count_tokens';

class RelayFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: AnthropicErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** One request in flight on this instance, abortable by a terminate from any instance. */
interface InFlight {
  abort(reason: 'terminated'): void;
}

/**
 * Slot members: this process's random prefix and a counter, unique across instances without
 * drawing random bytes per request.
 */
const MEMBER_PREFIX = randomBytes(6).toString('hex');
let memberCounter = 0;
function newMember(): string {
  memberCounter = (memberCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${MEMBER_PREFIX}${memberCounter.toString(36)}`;
}

const TERMINATED_MESSAGE = 'This session was terminated by an administrator; start a new session';

/** Orders providers: highest priority group first, weighted random inside a group. */
export function orderProviders<T extends { id: number; priority: number; weight: number }>(
  list: T[],
  boundId: number | null,
  random = Math.random,
): T[] {
  const keyed = list.map((p) => ({ p, k: Math.pow(random(), 1 / Math.max(1, p.weight)) }));
  keyed.sort((a, b) => b.p.priority - a.p.priority || b.k - a.k);
  return boundFirst(
    keyed.map((x) => x.p),
    boundId,
  );
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.once('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function secretOf(req: IncomingMessage): string | undefined {
  const k = req.headers['x-api-key'];
  if (typeof k === 'string' && k !== '') return k;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

/**
 * The Anthropic-compatible relay: authenticates the key, resolves the session, takes its slots
 * (Lua, atomic, leased), forwards the body unchanged to the chosen provider, fails over before the
 * first byte, streams the answer back with back-pressure and tracks usage and cost. Keeps
 * forwarding when Redis is down.
 */
@Injectable()
export class RelayGatewayService {
  private readonly logger = new Logger('relay');
  private readonly inFlight = new Map<string, Set<InFlight>>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: RelayKeysService,
    private readonly providers: RelayProvidersService,
    private readonly tracker: RelaySessionTracker,
    private readonly redis: RelayRedis,
  ) {
    redis.onTerminate((sid) => {
      for (const r of this.inFlight.get(sid) ?? []) r.abort('terminated');
    });
  }

  /** Requests in flight on this instance (for tests and the benchmark). */
  get inFlightCount(): number {
    let n = 0;
    for (const s of this.inFlight.values()) n += s.size;
    return n;
  }

  async handle(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint): Promise<void> {
    try {
      await this.serve(req, res, endpoint);
    } catch (err) {
      if (err instanceof RelayFailure) {
        sendAnthropicError(res, err.status, err.type, err.message);
        return;
      }
      this.logger.error({ msg: 'relay request failed', error: (err as Error).message, stack: (err as Error).stack });
      sendAnthropicError(res, 500, 'api_error', 'Internal relay error');
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint): Promise<void> {
    const startedAt = Date.now();
    const secret = secretOf(req);
    if (!secret) throw new RelayFailure(401, 'authentication_error', 'Send a relay API key as x-api-key or Authorization: Bearer');
    const caller = await this.keys.authenticate(secret);
    if (!caller) {
      req.resume();
      throw new RelayFailure(401, 'authentication_error', 'Invalid API key: unknown, disabled or expired');
    }
    const raw = await readBody(req, this.config.relayMaxBodyBytes);
    if (raw === 'too_large') {
      throw new RelayFailure(413, 'request_too_large', `The request body exceeds ${this.config.relayMaxBodyBytes} bytes`);
    }
    let body: { model?: unknown; stream?: unknown; messages?: unknown; metadata?: { user_id?: unknown; session_id?: unknown } | null };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      throw new RelayFailure(400, 'invalid_request_error', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RelayFailure(400, 'invalid_request_error', 'The request body must be a JSON object');
    }
    if (typeof body.model !== 'string' || body.model === '') throw new RelayFailure(400, 'invalid_request_error', 'model: Field required');
    const model = body.model;
    const all = await this.providers.all();
    const serving = all.filter((p) => p.models.length === 0 || p.models.includes(model));
    if (serving.length === 0) throw new RelayFailure(404, 'not_found_error', `model: ${model} is not served by this relay`);
    const enabled = serving.filter((p) => p.enabled);
    if (enabled.length === 0) throw new RelayFailure(503, 'overloaded_error', `No enabled provider serves the model ${model}`);
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';

    if (endpoint === 'count_tokens') {
      await this.forwardSimple(req, res, raw, orderProviders(enabled, null), query);
      return;
    }

    let ids: { sid: string; source: IdSource };
    try {
      ids = resolveSessionId(caller.keyId, req.headers, body);
    } catch (err) {
      if (err instanceof InvalidSessionId) throw new RelayFailure(400, 'invalid_request_error', err.message);
      throw err;
    }
    const messages = Array.isArray(body.messages) ? body.messages.length : 0;
    const stream = body.stream === true;
    await new RelayExchange(this, req, res, raw, caller, model, stream, query, startedAt).run(
      ids,
      enabled,
      this.config.enableShortContextDetection && messages <= this.config.shortContextThreshold,
    );
  }

  /** count_tokens: forwarded to the best provider, failing over, not tracked. */
  private async forwardSimple(
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    order: UpstreamProvider[],
    query: string,
  ): Promise<void> {
    let lastStatus = 502;
    let lastBody: Buffer | null = null;
    for (const p of order) {
      const call = callUpstream(
        p,
        upstreamPath(p, '/v1/messages/count_tokens', query),
        forwardHeaders(req.headers, p.apiKey, raw.length),
        raw,
      );
      res.once('close', () => call.abort('client closed'));
      let up: IncomingMessage;
      try {
        up = await call.response;
      } catch {
        continue;
      }
      if (up.statusCode !== undefined && isProviderFailure(up.statusCode)) {
        lastStatus = up.statusCode;
        lastBody = await drain(up, 64 * 1024);
        continue;
      }
      res.writeHead(up.statusCode ?? 502, returnedHeaders(up.headers));
      up.pipe(res);
      return;
    }
    if (lastBody) {
      const a = providerFailureAnswer(lastStatus, lastBody);
      sendAnthropicError(res, a.status, a.type, a.message);
      return;
    }
    throw new RelayFailure(502, 'api_error', 'Every provider failed');
  }

  register(sid: string, r: InFlight): void {
    let set = this.inFlight.get(sid);
    if (!set) this.inFlight.set(sid, (set = new Set()));
    set.add(r);
  }

  unregister(sid: string, r: InFlight): void {
    const set = this.inFlight.get(sid);
    if (!set) return;
    set.delete(r);
    if (set.size === 0) this.inFlight.delete(sid);
  }

  get deps(): { config: AppConfig; tracker: RelaySessionTracker; redis: RelayRedis; logger: Logger } {
    return { config: this.config, tracker: this.tracker, redis: this.redis, logger: this.logger };
  }
}

function drain(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < max) {
        chunks.push(c);
        size += c.length;
      }
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', () => resolve(Buffer.concat(chunks)));
    res.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** One proxied /v1/messages request, from admission to the last tracked byte. */
class RelayExchange implements InFlight {
  private sid = '';
  private seq = 0;
  private readonly member: string;
  private tracked = false;
  private admitted = false;
  private provider: UpstreamProvider | null = null;
  private call: UpstreamCall | null = null;
  private upstream: IncomingMessage | null = null;
  private finished = false;
  private terminated = false;
  private clientGone = false;
  private readonly store: boolean;
  private readonly responseCapture: CappedCapture | null;
  private lastOutcome: 'ok' | 'fail' | 'none' = 'none';

  constructor(
    private readonly gw: RelayGatewayService,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly raw: Buffer,
    private readonly caller: RelayCaller,
    private readonly model: string,
    private readonly stream: boolean,
    private readonly query: string,
    private readonly startedAt: number,
  ) {
    this.member = newMember();
    this.store = gw.deps.config.storeSessionMessages;
    this.responseCapture = this.store ? new CappedCapture(gw.deps.config.sessionMessageMaxBytes) : null;
  }

  private get slotMember(): string {
    return `${this.sid}|${this.member}`;
  }

  abort(): void {
    if (this.finished) return;
    this.terminated = true;
    this.call?.abort('terminated');
    if (!this.res.headersSent) {
      sendAnthropicError(this.res, 409, 'invalid_request_error', TERMINATED_MESSAGE);
    } else {
      if (this.stream) this.res.write(sseErrorEvent('invalid_request_error', TERMINATED_MESSAGE));
      this.res.end();
    }
    void this.finish('error', 409, emptyUsage(), 'terminated by an administrator', null);
  }

  async run(ids: { sid: string; source: IdSource }, enabled: UpstreamProvider[], forkIfBusy: boolean): Promise<void> {
    const { tracker, redis, config } = this.gw.deps;
    this.sid = ids.sid;
    let order = orderProviders(enabled, null);
    const byId = new Map(enabled.map((p) => [p.id, p]));
    const candidates = (list: UpstreamProvider[]): Candidate[] => list.map((p) => ({ id: p.id, maxSessions: p.maxSessions }));

    if (tracker.up) {
      try {
        const request: StoredPart | undefined = this.store ? this.requestPart() : undefined;
        const start = (busy: OpenInput['busy']) =>
          tracker.start(
            this.sid,
            this.slotMember,
            {
              busy,
              caller: this.caller,
              idSource: ids.source,
              model: this.model,
              stream: this.stream,
              userAgent: String(this.req.headers['user-agent'] ?? '').slice(0, 256),
              request,
            },
            this.caller,
            candidates(order),
          );
        let started = await start(forkIfBusy ? 'fork' : 'none');
        if (started.open.kind === 'fork') {
          if ((await tracker.leasedRequests(this.sid)) > 0) {
            // a short request while the session is busy: a parallel sub-agent gets its own session
            this.sid = newSessionId(this.caller.keyId);
            started = await start('none');
          } else {
            // busy only by its count: the requests it counts in flight stopped with their instance
            started = await start('heal');
          }
        }
        const opened = started.open;
        if (opened.kind === 'dead') {
          throw new RelayFailure(409, 'invalid_request_error', TERMINATED_MESSAGE);
        }
        if (opened.kind !== 'ok' || !started.admit) throw new Error('unexpected open result');
        this.seq = opened.seq;
        this.tracked = true;
        order = boundFirst(order, opened.boundProviderId);
        const admitted = started.admit;
        if (admitted.kind === 'limit') {
          const what = {
            session: 'requests in flight of this session',
            key: 'active sessions of this API key',
            user: 'active sessions of this user',
          };
          const msg = `Concurrency limit reached: ${what[admitted.scope]} (${admitted.current}/${admitted.max}, limit ${admitted.scope})`;
          await this.finish('error', 429, emptyUsage(), msg, null);
          throw new RelayFailure(429, 'rate_limit_error', msg);
        }
        if (admitted.kind === 'none') {
          const msg =
            admitted.reason === 'provider'
              ? `Concurrency limit reached: every provider serving ${this.model} is at its maximum of active sessions (limit provider)`
              : `Every provider serving ${this.model} is unavailable (circuit open)`;
          await this.finish('error', admitted.reason === 'provider' ? 429 : 503, emptyUsage(), msg, null);
          throw new RelayFailure(
            admitted.reason === 'provider' ? 429 : 503,
            admitted.reason === 'provider' ? 'rate_limit_error' : 'overloaded_error',
            msg,
          );
        }
        this.admitted = true;
        this.provider = byId.get(admitted.providerId) ?? null;
      } catch (err) {
        if (err instanceof RelayFailure) throw err;
        // Redis went away between the checks: keep serving, untracked
        this.tracked = false;
        this.admitted = false;
        redis.skip((err as Error).message);
      }
    } else {
      redis.skip('not connected');
    }
    if (!this.provider) this.provider = order[0]!;
    if (!this.tracked) this.sid = ids.sid;

    this.gw.register(this.sid, this);
    this.res.once('close', () => {
      if (!this.res.writableFinished && !this.finished) {
        this.clientGone = true;
        this.call?.abort('client closed');
        this.upstream?.destroy();
        void this.finish('error', 499, emptyUsage(), 'client closed the connection', this.usageReader?.usage ?? null);
      }
    });

    const tried = new Set<number>();
    let lastError: { status: number; body: Buffer } | null = null;
    for (;;) {
      const p = this.provider;
      if (this.finished) return;
      this.call = callUpstream(
        p,
        upstreamPath(p, '/v1/messages', this.query),
        forwardHeaders(this.req.headers, p.apiKey, this.raw.length),
        this.raw,
      );
      let failure: 'connection' | 'status' | null = null;
      let countFailure = true;
      try {
        const up = await this.call.response;
        const code = up.statusCode ?? 502;
        if (isProviderFailure(code)) {
          failure = 'status';
          countFailure = code !== 429;
          lastError = { status: code, body: await drain(up, 64 * 1024) };
        } else {
          this.upstream = up;
        }
      } catch (err) {
        if (this.finished) return;
        failure = 'connection';
        lastError = null;
        this.gw.deps.logger.warn({ msg: 'provider unreachable', provider: p.name, error: (err as Error).message });
      }
      if (this.finished) return;
      if (!failure) break;
      tried.add(p.id);
      this.lastOutcome = 'fail';
      const rest = order.filter((x) => !tried.has(x.id));
      let next: UpstreamProvider | undefined;
      if (rest.length > 0) {
        if (this.tracked && tracker.up) {
          try {
            const id = await tracker.switchProvider(this.sid, p.id, countFailure, candidates(rest));
            next = id === null ? undefined : byId.get(id);
          } catch (err) {
            redis.skip((err as Error).message);
            next = rest[0];
          }
        } else {
          next = rest[0];
        }
      } else if (this.tracked && tracker.up && countFailure) {
        await tracker.switchProvider(this.sid, p.id, true, []).catch(() => undefined);
      }
      if (!next) {
        const msg = lastError ? `Every provider failed; the last answered ${lastError.status}` : 'Every provider failed to answer';
        const a = lastError
          ? providerFailureAnswer(lastError.status, lastError.body)
          : { status: 502, type: 'api_error' as const, message: msg };
        sendAnthropicError(this.res, a.status, a.type, a.message, { 'x-relay-session-id': this.sid });
        this.lastOutcome = 'none';
        await this.finish('error', a.status, emptyUsage(), msg, null);
        return;
      }
      this.provider = next;
    }
    this.lastOutcome = 'ok';
    this.pipe(config);
  }

  private usageReader: SseUsageReader | null = null;

  private pipe(config: AppConfig): void {
    const up = this.upstream!;
    const res = this.res;
    const code = up.statusCode ?? 502;
    const headers = returnedHeaders(up.headers);
    headers['x-relay-session-id'] = this.sid;
    res.writeHead(code, headers);
    const sse = String(up.headers['content-type'] ?? '').includes('text/event-stream');
    const reader = sse ? new SseUsageReader() : null;
    this.usageReader = reader;
    const json = sse ? null : new CappedCapture(Math.max(config.sessionMessageMaxBytes, 8 * 1024 * 1024));
    let ended = false;
    up.on('data', (chunk: Buffer) => {
      reader?.feed(chunk);
      json?.add(chunk);
      this.responseCapture?.add(chunk);
      if (!res.write(chunk)) {
        up.pause();
        res.once('drain', () => up.resume());
      }
    });
    up.once('end', () => {
      ended = true;
      if (this.finished) return;
      res.end();
      if (reader) {
        const complete = reader.sawStop && !reader.sawError;
        const ok = code < 400 && complete;
        void this.finish(
          ok ? 'completed' : 'error',
          code,
          reader.usage,
          ok ? '' : reader.sawError ? 'the provider sent an error event' : 'the stream ended before message_stop',
          reader.usage,
        );
      } else {
        const usage = jsonUsage(json!.text());
        void this.finish(code < 400 ? 'completed' : 'error', code, usage, code < 400 ? '' : `the provider answered ${code}`, usage);
      }
    });
    up.once('close', () => {
      if (ended || this.finished) return;
      // the provider closed mid-response: the client gets an SSE error event
      if (sse) res.write(sseErrorEvent('api_error', 'The upstream provider closed the stream unexpectedly'));
      res.end();
      void this.finish(
        'error',
        code,
        reader?.usage ?? emptyUsage(),
        'the provider closed the connection mid-response',
        reader?.usage ?? null,
      );
    });
    up.on('error', () => undefined);
  }

  private requestPart(): StoredPart {
    const max = this.gw.deps.config.sessionMessageMaxBytes;
    const truncated = this.raw.length > max;
    return {
      headers: headersText(this.req.headers),
      body: (truncated ? this.raw.subarray(0, max) : this.raw).toString('utf8'),
      truncated,
    };
  }

  private async finish(status: RelayRequestStatus, statusCode: number, usage: Usage, error: string, _partial: Usage | null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.gw.unregister(this.sid, this);
    if (!this.tracked) return;
    const { tracker, redis, config } = this.gw.deps;
    const p = this.provider;
    const outcome = this.clientGone || this.terminated ? (this.lastOutcome === 'fail' ? 'fail' : 'none') : this.lastOutcome;
    try {
      await tracker.end({
        sid: this.sid,
        seq: this.seq,
        member: this.slotMember,
        caller: this.caller,
        status,
        statusCode,
        durationMs: Date.now() - this.startedAt,
        providerId: this.admitted && p ? p.id : null,
        providerName: this.admitted && p ? p.name : '',
        usage: {
          input: usage.input,
          output: usage.output,
          cacheCreation: usage.cacheCreation,
          cacheRead: usage.cacheRead,
          costMicros: costMicros(priceFor(config.relayPrices, this.model), usage),
        },
        error,
        outcome: status === 'completed' ? 'ok' : outcome,
        admitted: this.admitted,
        response:
          this.responseCapture && this.upstream
            ? { headers: headersText(this.upstream.headers), body: this.responseCapture.text(), truncated: this.responseCapture.truncated }
            : undefined,
      });
    } catch (err) {
      redis.skip((err as Error).message);
    }
  }
}
