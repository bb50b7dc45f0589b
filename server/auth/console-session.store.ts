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
 * server instances share them and a logout or a disabled account takes effect at once.
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

  private userKey(userId: number): string {
    return this.redis.key('cs-user', userId);
  }

  async create(userId: number, ip: string): Promise<{ token: string; session: ConsoleSession }> {
    const token = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { userId, csrfToken: randomBytes(24).toString('base64url'), createdAt: Date.now(), ip };
    const hash = ConsoleSessionStore.hash(token);
    const ttl = this.config.consoleSessionTtlSeconds;
    await this.redis.run((r) =>
      r
        .multi()
        .set(this.sessionKey(hash), JSON.stringify(session), 'EX', ttl)
        .sadd(this.userKey(userId), hash)
        .expire(this.userKey(userId), ttl)
        .exec(),
    );
    return { token, session };
  }

  /** The session behind a token; sliding expiry. */
  async get(token: string): Promise<{ hash: string; session: ConsoleSession } | null> {
    const hash = ConsoleSessionStore.hash(token);
    const raw = await this.redis.run((r) => r.getex(this.sessionKey(hash), 'EX', this.config.consoleSessionTtlSeconds));
    if (!raw) return null;
    return { hash, session: JSON.parse(raw) as ConsoleSession };
  }

  async destroy(hash: string, userId: number): Promise<void> {
    await this.redis.run((r) => r.multi().del(this.sessionKey(hash)).srem(this.userKey(userId), hash).exec());
  }

  /** Ends every console session of a user (disabled, password reset). */
  async destroyAll(userId: number): Promise<void> {
    await this.redis.run(async (r) => {
      const hashes = await r.smembers(this.userKey(userId));
      const keys = hashes.map((h) => this.sessionKey(h));
      await r.del(this.userKey(userId), ...keys);
    });
  }
}
