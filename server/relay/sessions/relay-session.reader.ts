import type { Cluster, Redis } from 'ioredis';
import type {
  RelayRequestDetail,
  RelayRequestStatus,
  RelayRequestSummary,
  RelaySessionDetail,
  RelaySessionState,
  RelaySessionSummary,
} from '../relay.types';
import type { RelayKeys } from './relay-session.keys';

export type RelayRedisClient = Redis | Cluster;

/** Which sessions a reader may see: every one, or those of one user. */
export type SessionScope = { kind: 'all' } | { kind: 'user'; userId: number };

export interface ReaderSettings {
  keys: RelayKeys;
  /** SESSION_TTL in ms: active while the last request is younger */
  ttlMs: number;
  /** RELAY_SLOT_LEASE_SECONDS in ms: a request in flight holds a lease, which its instance renews within this */
  leaseMs: number;
  /** SESSION_INACTIVE_RETENTION in ms: how long an inactive session's data is kept */
  retentionMs: number;
  currency: string;
  messagesStored: boolean;
  /** SESSION_MESSAGE_MAX_BYTES: a stored body of this size or more was cut */
  messageMaxBytes: number;
}

export interface SessionPage {
  items: RelaySessionSummary[];
  total: number;
}

const int = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
};
const intOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : int(v));
const iso = (ms: string | undefined): string => new Date(int(ms)).toISOString();
const status = (v: string | undefined): RelayRequestStatus | null => (v === 'in_progress' || v === 'completed' || v === 'error' ? v : null);

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Reads the relay's session layout (relay-session.keys.ts) for the admin API. Every read is a
 * bounded number of commands: a page is one ZREVRANGEBYSCORE with LIMIT plus one ZCOUNT on an
 * index, then one pipelined HGETALL per listed session and one read of the live request leases
 * (bounded by the concurrency limits) — O(log N + page + requests in flight), never a keyspace scan.
 */
export class RelaySessionReader {
  constructor(
    private readonly redis: RelayRedisClient,
    private readonly s: ReaderSettings,
  ) {}

  /** Active: last request within SESSION_TTL. Inactive: older, but data not yet expired. */
  stateOf(lastAtMs: number, now = Date.now()): RelaySessionState {
    return lastAtMs >= now - this.s.ttlMs ? 'active' : 'inactive';
  }

  /** A page of sessions, most recent activity first. */
  async list(scope: SessionScope, state: RelaySessionState, page: number, pageSize: number, now = Date.now()): Promise<SessionPage> {
    const k = this.s.keys;
    const boundary = now - this.s.ttlMs;
    let index: string;
    let max: string;
    let min: string;
    if (state === 'active') {
      index = scope.kind === 'all' ? k.active() : k.byUser(scope.userId);
      max = '+inf';
      min = String(boundary);
    } else {
      index = scope.kind === 'all' ? k.all() : k.byUser(scope.userId);
      max = `(${boundary}`;
      min = String(now - this.s.ttlMs - this.s.retentionMs);
    }
    const offset = (page - 1) * pageSize;
    const [ids, total] = await Promise.all([
      this.redis.zrevrangebyscore(index, max, min, 'LIMIT', offset, pageSize),
      this.redis.zcount(index, min, max),
    ]);
    if (ids.length === 0) return { items: [], total };
    const replies = await this.batch([...ids.map((id): [string, string] => ['hgetall', k.session(id)]), this.leasesCommand(now)]);
    const leases = new LiveLeases(replies[ids.length] as string[]);
    const items: RelaySessionSummary[] = [];
    ids.forEach((id, i) => {
      const h = replies[i] as Record<string, string> | undefined;
      // the data expired between the index read and the hash read: leave it out
      if (h && h.userId !== undefined) items.push(this.summary(id, h, now, leases));
    });
    return { items, total };
  }

  /** Owner of each session (null: no data), and whether it was terminated, in one round trip. */
  async owners(ids: string[]): Promise<Map<string, { userId: number; userName: string; dead: boolean } | null>> {
    const k = this.s.keys;
    const out = new Map<string, { userId: number; userName: string; dead: boolean } | null>();
    if (ids.length === 0) return out;
    const results = await this.batch(
      ids.flatMap((id) => [
        ['hmget', k.session(id), 'userId', 'userName'],
        ['exists', k.dead(id)],
      ]),
    );
    ids.forEach((id, i) => {
      const [userId, userName] = results[2 * i] as (string | null)[];
      const dead = results[2 * i + 1] === 1;
      out.set(id, userId === null || userId === undefined ? null : { userId: int(userId), userName: userName ?? '', dead });
    });
    return out;
  }

  async session(id: string, now = Date.now()): Promise<(RelaySessionDetail & { terminated: boolean }) | null> {
    const [hash, dead, leases] = await this.batch([
      ['hgetall', this.s.keys.session(id)],
      ['exists', this.s.keys.dead(id)],
      this.leasesCommand(now),
    ]);
    const h = (hash ?? {}) as Record<string, string>;
    if (h.userId === undefined) return null;
    return {
      terminated: dead === 1,
      ...this.summary(id, h, now, new LiveLeases(leases as string[])),
      idSource: h.idSource ?? 'unknown',
      providers: parseJson<{ id: number; name: string }[]>(h.providers, []),
      models: parseJson<string[]>(h.models, []),
      messagesStored: this.s.messagesStored,
    };
  }

  /** The session's requests in time order; one ZRANGE by rank, then the HGETALLs and the live leases in one round trip. */
  async requests(
    id: string,
    order: 'asc' | 'desc',
    page: number,
    pageSize: number,
    now = Date.now(),
  ): Promise<{ items: RelayRequestSummary[]; total: number }> {
    const k = this.s.keys;
    const start = (page - 1) * pageSize;
    const stop = start + pageSize - 1;
    const [seqs, total] = await Promise.all([
      order === 'asc' ? this.redis.zrange(k.requests(id), start, stop) : this.redis.zrevrange(k.requests(id), start, stop),
      this.redis.zcard(k.requests(id)),
    ]);
    if (seqs.length === 0) return { items: [], total };
    const replies = await this.batch([
      ...seqs.map((seq): [string, string] => ['hgetall', k.request(id, Number(seq))]),
      this.leasesCommand(now),
    ]);
    const leases = new LiveLeases(replies[seqs.length] as string[]);
    const items: RelayRequestSummary[] = [];
    seqs.forEach((seq, i) => {
      const h = replies[i] as Record<string, string> | undefined;
      if (h && h.startedAt !== undefined) items.push(this.request(id, Number(seq), h, leases, now));
    });
    return { items, total };
  }

  async requestDetail(id: string, seq: number, now = Date.now()): Promise<RelayRequestDetail | null> {
    const k = this.s.keys;
    const [h, reqh, reqb, resh, resb, leases] = await this.batch([
      ['hgetall', k.request(id, seq)],
      ['get', k.requestHeaders(id, seq)],
      ['get', k.requestBody(id, seq)],
      ['get', k.responseHeaders(id, seq)],
      ['get', k.responseBody(id, seq)],
      this.leasesCommand(now),
    ]);
    const hash = (h ?? {}) as Record<string, string>;
    if (hash.startedAt === undefined) return null;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const cut = (v: string | null) => v !== null && Buffer.byteLength(v, 'utf8') >= this.s.messageMaxBytes;
    return {
      ...this.request(id, seq, hash, new LiveLeases(leases as string[]), now),
      messagesStored: this.s.messagesStored,
      requestHeaders: text(reqh),
      requestBody: text(reqb),
      responseHeaders: text(resh),
      responseBody: text(resb),
      truncated: {
        requestBody: hash.requestBodyTruncated === '1' || cut(text(reqb)),
        responseBody: hash.responseBodyTruncated === '1' || cut(text(resb)),
      },
    };
  }

  /** The requests in flight whose leases still run ("<sid>|<request id>"), one read of the lease index. */
  private leasesCommand(now: number): [string, string, string, string] {
    return ['zrangebyscore', this.s.keys.inflight(), `(${now}`, '+inf'];
  }

  /**
   * Requests in flight are those whose leases run. The session's own count can be higher only by
   * requests whose instance stopped before it could end them; those are not shown, and a last
   * request recorded in progress whose lease lapsed is shown interrupted (as in `request`).
   */
  private summary(id: string, h: Record<string, string>, now: number, leases: LiveLeases): RelaySessionSummary {
    return {
      id,
      state: this.stateOf(int(h.lastAt), now),
      userId: int(h.userId),
      userName: h.userName ?? '',
      keyId: int(h.keyId),
      keyName: h.keyName ?? '',
      providerId: intOrNull(h.providerId),
      providerName: h.providerName || null,
      model: h.model || null,
      requests: int(h.requests),
      inFlight: Math.max(0, Math.min(int(h.inFlight), leases.count(id))),
      inputTokens: int(h.inputTokens),
      outputTokens: int(h.outputTokens),
      cacheCreationTokens: int(h.cacheCreationTokens),
      cacheReadTokens: int(h.cacheReadTokens),
      costMicros: int(h.costMicros),
      currency: this.s.currency,
      firstRequestAt: iso(h.firstAt),
      lastRequestAt: iso(h.lastAt),
      durationMs: int(h.durationMs),
      lastStatus: this.shown(status(h.lastStatus), int(h.lastAt), now, () => leases.runs(id, h.lastLease)),
    };
  }

  /**
   * A request recorded in progress is shown `interrupted` once its lease has lapsed: its instance
   * stopped before it could end it. Within its first lease period it stays in progress (on a Redis
   * Cluster the lease is taken one round trip after the record is written).
   */
  private shown<S extends RelayRequestStatus | null>(
    stored: S,
    startedAt: number,
    now: number,
    leaseRuns: () => boolean,
  ): S | 'interrupted' {
    if (stored !== 'in_progress' || now - startedAt < this.s.leaseMs) return stored;
    return leaseRuns() ? stored : 'interrupted';
  }

  private request(sid: string, seq: number, h: Record<string, string>, leases: LiveLeases, now: number): RelayRequestSummary {
    return {
      seq,
      startedAt: iso(h.startedAt),
      endedAt: h.endedAt ? iso(h.endedAt) : null,
      model: h.model || null,
      providerId: intOrNull(h.providerId),
      providerName: h.providerName || null,
      status: this.shown(status(h.status) ?? 'in_progress', int(h.startedAt), now, () => leases.runs(sid, h.lease)),
      statusCode: intOrNull(h.statusCode),
      durationMs: intOrNull(h.durationMs),
      stream: h.stream === '1',
      inputTokens: int(h.inputTokens),
      outputTokens: int(h.outputTokens),
      cacheCreationTokens: int(h.cacheCreationTokens),
      cacheReadTokens: int(h.cacheReadTokens),
      costMicros: int(h.costMicros),
      userAgent: h.userAgent || null,
      error: h.error || null,
    };
  }

  /**
   * Commands in one round trip. A single Redis gets one pipeline; a Cluster's keys live in
   * different slots, so the commands go out together and ioredis groups them per node.
   */
  private async batch(commands: [string, ...(string | number)[]][]): Promise<unknown[]> {
    if (isCluster(this.redis)) {
      const cluster = this.redis;
      return Promise.all(
        commands.map(async ([cmd, ...args]) => {
          const reply = await cluster.call(cmd, ...args);
          // ioredis turns HGETALL into an object itself; a raw reply is a flat array of pairs
          return cmd === 'hgetall' && Array.isArray(reply) ? pairsToObject(reply as string[]) : reply;
        }),
      );
    }
    const results = await this.redis.pipeline(commands).exec();
    if (!results) throw new Error('Redis pipeline was discarded');
    return results.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
  }
}

/** The requests in flight by their live leases ("<sid>|<lease>", read with one command). */
class LiveLeases {
  private readonly members: Set<string>;
  private readonly perSession = new Map<string, number>();

  constructor(members: string[]) {
    this.members = new Set(members);
    for (const m of members) {
      const sid = m.slice(0, m.lastIndexOf('|'));
      this.perSession.set(sid, (this.perSession.get(sid) ?? 0) + 1);
    }
  }

  /** The session's requests in flight. */
  count(sid: string): number {
    return this.perSession.get(sid) ?? 0;
  }

  /** Whether a request's lease runs; for a record without its lease id (an earlier version's), whether any of its session's does. */
  runs(sid: string, lease: string | undefined): boolean {
    return lease ? this.members.has(`${sid}|${lease}`) : this.count(sid) > 0;
  }
}

function isCluster(c: RelayRedisClient): c is Cluster {
  return (c as { isCluster?: boolean }).isCluster === true;
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) out[pairs[i]!] = pairs[i + 1]!;
  return out;
}
