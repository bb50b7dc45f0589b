import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import type { RelayRequestStatus } from '../relay.types';
import { RelayRedis } from './relay-redis';

export interface Candidate {
  id: number;
  maxSessions: number;
}

export interface TrackedCaller {
  keyId: number;
  keyName: string;
  userId: number;
  userName: string;
}

export interface StoredPart {
  headers: string;
  body: string;
  truncated: boolean;
}

export type OpenResult = { kind: 'ok'; seq: number; boundProviderId: number | null } | { kind: 'dead' } | { kind: 'fork' };

export type AdmitResult =
  | { kind: 'ok'; providerId: number }
  | { kind: 'limit'; scope: 'session' | 'key' | 'user'; current: number; max: number }
  | { kind: 'none'; reason: 'circuit' | 'provider' };

export interface EndInput {
  sid: string;
  seq: number;
  member: string;
  caller: TrackedCaller;
  status: RelayRequestStatus;
  statusCode: number;
  durationMs: number;
  providerId: number | null;
  providerName: string;
  usage: { input: number; output: number; cacheCreation: number; cacheRead: number; costMicros: number };
  error: string;
  /** circuit-breaker outcome for the provider */
  outcome: 'ok' | 'fail' | 'none';
  /** whether a slot was taken (admission succeeded) */
  admitted: boolean;
  response?: StoredPart;
}

export interface OpenInput {
  /**
   * fork: a session with requests in flight answers 'fork'; heal: the requests the session counts in
   * flight lost their leases (their instance stopped), so it counts from none; none: neither
   */
  busy: 'fork' | 'heal' | 'none';
  caller: TrackedCaller;
  idSource: string;
  model: string;
  stream: boolean;
  userAgent: string;
  request?: StoredPart;
}

/** Moves the candidate the session is bound to (when present) to the front, keeping the others' order. */
export function boundFirst<T extends { id: number }>(list: T[], boundId: number | null): T[] {
  if (boundId === null) return list;
  const i = list.findIndex((p) => p.id === boundId);
  if (i <= 0) return list;
  const out = [...list];
  out.unshift(...out.splice(i, 1));
  return out;
}

/**
 * Writes the relay's session layout (relay-session.keys.ts): when a request starts, one round trip
 * on a standalone Redis (one script over both slots) or two on a cluster (session slot, then index
 * slot); one when it ends (both slots, pipelined).
 */
@Injectable()
export class RelaySessionTracker implements OnModuleDestroy {
  private readonly ttlMs: number;
  private readonly activeMs: number;
  private readonly leaseMs: number;
  /** slots this instance holds, renewed while their requests run */
  private readonly held = new Set<string>();
  private readonly renewTimer: NodeJS.Timeout;

  constructor(
    private readonly redis: RelayRedis,
    private readonly config: AppConfig,
  ) {
    this.activeMs = config.sessionTtlSeconds * 1000;
    this.ttlMs = (config.sessionTtlSeconds + config.sessionInactiveRetentionSeconds) * 1000;
    this.leaseMs = config.relaySlotLeaseSeconds * 1000;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.renewTimer);
  }

  get up(): boolean {
    return this.redis.up;
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0 || !this.redis.up) return;
    await this.redis.run('RENEW', [this.redis.keys.inflight()], [Date.now() + this.leaseMs, ...this.held]).catch(() => undefined);
  }

  private openKeys(sid: string): string[] {
    const k = this.redis.keys;
    return [k.session(sid), k.seq(sid), k.dead(sid), k.bind(sid), k.requests(sid), k.sessionPrefix(sid)];
  }

  private openArgs(now: number, member: string, input: OpenInput): (string | number)[] {
    return [
      now,
      this.ttlMs,
      input.busy === 'none' ? '0' : input.busy,
      input.caller.userId,
      input.caller.userName,
      input.caller.keyId,
      input.caller.keyName,
      input.idSource,
      input.model,
      input.stream ? '1' : '0',
      input.userAgent,
      input.request ? '1' : '0',
      input.request?.headers ?? '',
      input.request?.body ?? '',
      input.request?.truncated ? '1' : '0',
      member.slice(member.lastIndexOf('|') + 1),
    ];
  }

  private admitKeys(caller: TrackedCaller): string[] {
    const k = this.redis.keys;
    return [
      k.all(),
      k.active(),
      k.byUser(caller.userId),
      k.byKey(caller.keyId),
      k.inflight(),
      k.inflightBySession(),
      k.circuit(),
      k.byProviderPrefix(),
    ];
  }

  private admitArgs(now: number, sid: string, member: string, candidates: Candidate[]): (string | number)[] {
    const args: (string | number)[] = [
      now,
      sid,
      member,
      now + this.leaseMs,
      this.activeMs,
      this.ttlMs,
      this.config.relaySessionMaxInFlight,
      this.config.relayKeyMaxSessions,
      this.config.relayUserMaxSessions,
      this.leaseMs,
    ];
    for (const c of candidates) args.push(c.id, c.maxSessions);
    return args;
  }

  private static openResult(r: (string | number)[]): OpenResult {
    if (r[0] === 'dead') return { kind: 'dead' };
    if (r[0] === 'fork') return { kind: 'fork' };
    const bound = r[2] ? Number(r[2]) : null;
    return { kind: 'ok', seq: Number(r[1]), boundProviderId: bound };
  }

  private admitResult(member: string, r: (string | number)[]): AdmitResult {
    if (r[0] === 'ok') {
      this.held.add(member);
      return { kind: 'ok', providerId: Number(r[1]) };
    }
    if (r[0] === 'limit') return { kind: 'limit', scope: r[1] as 'session', current: Number(r[2]), max: Number(r[3]) };
    return { kind: 'none', reason: r[1] === 'provider' ? 'provider' : 'circuit' };
  }

  /**
   * The session's requests in flight by their leases (the ones an instance holds and renews), lapsed
   * leases released first as admission does. A count the session's hash keeps beyond them belongs to
   * requests whose instance stopped.
   */
  async leasedRequests(sid: string): Promise<number> {
    this.redis.roundTrips += 1;
    const k = this.redis.keys;
    return Number(await this.redis.run('LEASED', [k.inflight(), k.inflightBySession()], [Date.now(), sid]));
  }

  /** `member`: the request's slot member ("<sid>|<id>"); its record keeps the id, to tell later whether its lease still runs. */
  async open(sid: string, member: string, input: OpenInput): Promise<OpenResult> {
    this.redis.roundTrips += 1;
    const r = (await this.redis.run('OPEN', this.openKeys(sid), this.openArgs(Date.now(), member, input))) as (string | number)[];
    return RelaySessionTracker.openResult(r);
  }

  async admit(sid: string, member: string, caller: TrackedCaller, candidates: Candidate[]): Promise<AdmitResult> {
    this.redis.roundTrips += 1;
    const r = (await this.redis.run('ADMIT', this.admitKeys(caller), this.admitArgs(Date.now(), sid, member, candidates))) as (
      string | number
    )[];
    return this.admitResult(member, r);
  }

  /**
   * Request start: OPEN, then (when it answered ok) ADMIT over the candidates with the session's
   * bound provider first. One script, one round trip, on a standalone Redis; two on a cluster,
   * whose slots one script cannot span. `admit` is null unless the open answered ok.
   */
  async start(
    sid: string,
    member: string,
    input: OpenInput,
    caller: TrackedCaller,
    candidates: Candidate[],
  ): Promise<{ open: OpenResult; admit: AdmitResult | null }> {
    if (this.redis.cluster) {
      const open = await this.open(sid, member, input);
      if (open.kind !== 'ok') return { open, admit: null };
      return { open, admit: await this.admit(sid, member, caller, boundFirst(candidates, open.boundProviderId)) };
    }
    const now = Date.now();
    this.redis.roundTrips += 1;
    const r = (await this.redis.run(
      'OPEN_ADMIT',
      [...this.openKeys(sid), ...this.admitKeys(caller)],
      [...this.openArgs(now, member, input), ...this.admitArgs(now, sid, member, candidates)],
    )) as (string | number)[];
    const open = RelaySessionTracker.openResult(r);
    if (open.kind !== 'ok') return { open, admit: null };
    return { open, admit: this.admitResult(member, r.slice(3)) };
  }

  /** Failover before the first byte: counts the failure and picks the next provider. */
  async switchProvider(sid: string, failedId: number, countFailure: boolean, candidates: Candidate[]): Promise<number | null> {
    const k = this.redis.keys;
    this.redis.roundTrips += 1;
    const r = (await this.redis.run(
      'SWITCH',
      [k.circuit(), k.byProviderPrefix()],
      [
        Date.now(),
        sid,
        failedId,
        this.config.relayCircuitFailures,
        this.config.relayCircuitOpenSeconds * 1000,
        this.activeMs,
        this.ttlMs,
        this.leaseMs,
        countFailure ? '1' : '0',
        ...candidates.flatMap((c) => [c.id, c.maxSessions]),
      ],
    )) as string[];
    return r[0] === 'ok' ? Number(r[1]) : null;
  }

  async end(e: EndInput): Promise<void> {
    const k = this.redis.keys;
    const now = Date.now();
    this.held.delete(e.member);
    const session: [string[], (string | number)[]] = [
      [k.session(e.sid), k.seq(e.sid), k.bind(e.sid), k.requests(e.sid), k.sessionPrefix(e.sid)],
      [
        now,
        e.seq,
        e.status,
        e.statusCode,
        e.durationMs,
        e.providerId ?? '',
        e.providerName,
        e.usage.input,
        e.usage.output,
        e.usage.cacheCreation,
        e.usage.cacheRead,
        e.usage.costMicros,
        e.error.slice(0, 500),
        this.ttlMs,
        e.response ? '1' : '0',
        e.response?.headers ?? '',
        e.response?.body ?? '',
        e.response?.truncated ? '1' : '0',
      ],
    ];
    this.redis.roundTrips += 1;
    if (!e.admitted) {
      await this.redis.run('END_SESSION', ...session);
      return;
    }
    await this.redis.runBoth(
      ['END_SESSION', ...session],
      [
        'END_INDEX',
        [
          k.all(),
          k.active(),
          k.byUser(e.caller.userId),
          k.byKey(e.caller.keyId),
          k.inflight(),
          k.inflightBySession(),
          k.circuit(),
          k.byProviderPrefix(),
        ],
        [
          now,
          e.sid,
          e.member,
          e.providerId ?? '',
          e.outcome,
          this.config.relayCircuitFailures,
          this.config.relayCircuitOpenSeconds * 1000,
          this.ttlMs,
        ],
      ],
    );
  }

  /** Circuit states of providers, for the providers API. */
  async circuits(): Promise<Map<number, 'closed' | 'open' | 'half_open'>> {
    const out = new Map<number, 'closed' | 'open' | 'half_open'>();
    const all = await this.redis.client.hgetall(this.redis.keys.circuit());
    const now = Date.now();
    for (const [pid, v] of Object.entries(all)) {
      const openUntil = Number(v.split('|')[1] ?? 0);
      out.set(Number(pid), openUntil > now ? 'open' : openUntil > 0 ? 'half_open' : 'closed');
    }
    return out;
  }

  async activeSessionsOf(providerIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const cutoff = Date.now() - this.activeMs;
    const counts = await Promise.all(providerIds.map((id) => this.redis.client.zcount(this.redis.keys.byProvider(id), cutoff, '+inf')));
    providerIds.forEach((id, i) => out.set(id, counts[i] ?? 0));
    return out;
  }
}
