import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RedisService } from '../common/redis.service';

/** How long an instance's claim on a connection id lasts unless renewed (a crashed instance's claims lapse). */
export const OWN_LEASE_MS = 60_000;
const RENEW_EVERY_MS = OWN_LEASE_MS / 3;

/** A database server as the console reaches it: one processlist, whatever registration names it. */
export function endpointOf(t: { host: string; port: number }): string {
  return `${t.host.trim().toLowerCase()}:${t.port}`;
}

/**
 * The connection ids that console instances hold on each database server endpoint, shared through
 * Redis so that no registration and no instance can kill a connection another one holds.
 *
 * Layout: `own-conn:<host:port>` is a sorted set, member = connection id, score = when the claim
 * lapses. Each instance adds its ids as its pools open connections, removes them as they close,
 * and renews its live ids every OWN_LEASE_MS / 3; readers take the members whose claim has not
 * lapsed. The key itself expires OWN_LEASE_MS after its last write. While Redis is away, each
 * instance still knows its own connections (the callers union the local ids).
 */
@Injectable()
export class OwnConnections implements OnModuleDestroy {
  private readonly logger = new Logger('own-connections');
  /** endpoint -> ids this instance holds there (with a count: two registrations may share a connection id space) */
  private readonly local = new Map<string, Map<string, number>>();
  private timer?: NodeJS.Timeout;
  private warned = false;

  constructor(private readonly redis: RedisService) {}

  private key(endpoint: string): string {
    return this.redis.key('own-conn', endpoint);
  }

  add(endpoint: string, id: string): void {
    const ids = this.local.get(endpoint) ?? new Map<string, number>();
    ids.set(id, (ids.get(id) ?? 0) + 1);
    this.local.set(endpoint, ids);
    this.startRenewing();
    this.write(endpoint, [id]);
  }

  remove(endpoint: string, id: string): void {
    const ids = this.local.get(endpoint);
    const n = ids?.get(id) ?? 0;
    if (!ids || n === 0) return;
    if (n > 1) {
      ids.set(id, n - 1);
      return;
    }
    ids.delete(id);
    if (ids.size === 0) this.local.delete(endpoint);
    const key = this.key(endpoint);
    this.redis.client.zrem(key, id).catch((err: unknown) => this.failed(err));
  }

  /** Ids held on `endpoint` by this instance. */
  localIds(endpoint: string): Set<string> {
    return new Set(this.local.get(endpoint)?.keys() ?? []);
  }

  /** Ids held on `endpoint` by any console instance (this one's always included). */
  async ids(endpoint: string): Promise<Set<string>> {
    const out = this.localIds(endpoint);
    try {
      for (const id of await this.redis.client.zrangebyscore(this.key(endpoint), Date.now(), '+inf')) out.add(id);
    } catch (err) {
      this.failed(err);
    }
    return out;
  }

  private write(endpoint: string, ids: string[]): void {
    if (ids.length === 0) return;
    const key = this.key(endpoint);
    const until = Date.now() + OWN_LEASE_MS;
    this.redis.client
      .multi()
      .zadd(key, ...ids.flatMap((id) => [until, id]))
      .zremrangebyscore(key, '-inf', Date.now())
      .pexpire(key, OWN_LEASE_MS)
      .exec()
      .catch((err: unknown) => this.failed(err));
  }

  private startRenewing(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const [endpoint, ids] of this.local) this.write(endpoint, [...ids.keys()]);
    }, RENEW_EVERY_MS);
    this.timer.unref();
  }

  private failed(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn({
      msg: "own connection ids not shared through Redis; other instances' connections are unknown",
      error: (err as Error).message,
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const all = [...this.local];
    this.local.clear();
    await Promise.allSettled(all.map(([endpoint, ids]) => this.redis.client.zrem(this.key(endpoint), ...ids.keys())));
  }
}
