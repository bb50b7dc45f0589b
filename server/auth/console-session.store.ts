import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config';
import { RedisService } from '../common/redis.service';

export interface ConsoleSession {
  userId: number;
  csrfToken: string;
  createdAt: number;
  ip: string;
}

/**
 * Console sessions: an opaque token in an httpOnly cookie, its SHA-256 the Redis key, so several
 * server instances share them and a logout or a disabled account takes effect at once. A session
 * slides (CONSOLE_SESSION_TTL) but never outlives CONSOLE_SESSION_MAX_AGE; a user holds at most
 * CONSOLE_SESSIONS_PER_USER of them, the oldest ending first.
 */
@Injectable()
export class ConsoleSessionStore {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  private sessionKey(hash: string): string {
    return this.redis.key('cs', hash);
  }

  /** sorted set: session hash → creation time */
  private userKey(userId: number): string {
    return this.redis.key('cs-of', userId);
  }

  /** the set of session hashes kept by earlier versions */
  private legacyUserKey(userId: number): string {
    return this.redis.key('cs-user', userId);
  }

  private get maxAgeMs(): number {
    return this.config.consoleSessionMaxAgeSeconds * 1000;
  }

  async create(userId: number, ip: string): Promise<{ token: string; session: ConsoleSession }> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: ConsoleSession = { userId, csrfToken: randomBytes(24).toString('base64url'), createdAt: now, ip };
    const hash = ConsoleSessionStore.hash(token);
    const ttl = Math.min(this.config.consoleSessionTtlSeconds, this.config.consoleSessionMaxAgeSeconds);
    const userKey = this.userKey(userId);
    await this.redis.run(async (r) => {
      await r
        .multi()
        .set(this.sessionKey(hash), JSON.stringify(session), 'EX', ttl)
        .zremrangebyscore(userKey, '-inf', now - this.maxAgeMs)
        .zadd(userKey, now, hash)
        .expire(userKey, this.config.consoleSessionMaxAgeSeconds)
        .exec();
      // Beyond the cap the oldest sessions end.
      const excess = (await r.zcard(userKey)) - this.config.consoleSessionsPerUser;
      if (excess > 0) {
        const oldest = await r.zrange(userKey, 0, excess - 1);
        if (oldest.length) {
          await r
            .multi()
            .del(...oldest.map((h) => this.sessionKey(h)))
            .zrem(userKey, ...oldest)
            .exec();
        }
      }
    });
    return { token, session };
  }

  /** The session behind a token; sliding expiry, bounded by the absolute lifetime. */
  async get(token: string): Promise<{ hash: string; session: ConsoleSession } | null> {
    return (await this.getWith(token, []))?.found ?? null;
  }

  /**
   * The session behind a token plus the values of `extraKeys`, in one round trip to Redis.
   * `found` is null when there is no valid session.
   */
  async getWith(
    token: string,
    extraKeys: string[],
  ): Promise<{ found: { hash: string; session: ConsoleSession } | null; extra: (string | null)[] }> {
    const hash = ConsoleSessionStore.hash(token);
    const replies = await this.redis.run(async (r) => {
      const p = r.pipeline().getex(this.sessionKey(hash), 'EX', this.config.consoleSessionTtlSeconds);
      for (const k of extraKeys) p.get(k);
      const out = (await p.exec()) ?? [];
      // a failed command fails the whole read (REDIS_UNAVAILABLE through run)
      for (const [err] of out) if (err) throw err;
      return out;
    });
    const [raw, ...extra] = replies.map(([, v]) => (v ?? null) as string | null);
    if (!raw) return { found: null, extra };
    const session = JSON.parse(raw) as ConsoleSession;
    if (!(typeof session.createdAt === 'number' && Date.now() - session.createdAt < this.maxAgeMs)) {
      await this.destroy(hash, session.userId);
      return { found: null, extra };
    }
    return { found: { hash, session }, extra };
  }

  async destroy(hash: string, userId: number): Promise<void> {
    await this.redis.run((r) =>
      r.multi().del(this.sessionKey(hash)).zrem(this.userKey(userId), hash).srem(this.legacyUserKey(userId), hash).exec(),
    );
  }

  /** Ends every console session of a user (disabled, password reset), or all but one (password change). */
  async destroyAll(userId: number, keepHash?: string): Promise<void> {
    await this.redis.run(async (r) => {
      const [zs, legacy] = await Promise.all([r.zrange(this.userKey(userId), 0, -1), r.smembers(this.legacyUserKey(userId))]);
      const hashes = [...new Set([...zs, ...legacy])].filter((h) => h !== keepHash);
      const m = r.multi().del(this.legacyUserKey(userId));
      if (hashes.length) m.del(...hashes.map((h) => this.sessionKey(h))).zrem(this.userKey(userId), ...hashes);
      await m.exec();
    });
  }
}
