import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from './redis.service';

/**
 * One counter in Redis that every change to some data increments. Each instance caches that data
 * with the counter value it was read under and reads the counter on every request (in the same
 * round trip as the console session), so a change takes effect on the very next request on every
 * instance.
 */
export class RedisVersion {
  private readonly logger = new Logger('cache');

  constructor(
    private readonly redis: RedisService,
    private readonly name: string,
  ) {}

  get key(): string {
    return this.redis.key(this.name);
  }

  /** Invalidates every cached copy; fails (REDIS_UNAVAILABLE) when Redis cannot be reached. */
  async bump(): Promise<void> {
    await this.redis.run((r) => r.incr(this.key));
  }

  /** After a commit: never fails, a missed bump is logged. */
  async bumpQuietly(): Promise<void> {
    await this.bump().catch((err: unknown) =>
      this.logger.error({ msg: 'cache invalidation failed', counter: this.name, error: (err as Error).message }),
    );
  }

  /**
   * Runs a change to the cached data: the counter moves before it commits (so a change is not
   * applied when invalidation is impossible) and again after (so a copy read meanwhile, from the
   * data before the commit, is not kept).
   */
  async around<T>(work: () => Promise<T>): Promise<T> {
    await this.bump();
    try {
      return await work();
    } finally {
      await this.bumpQuietly();
    }
  }
}

/** Users, roles, grants and passwords: the principals cached per console session. */
@Injectable()
export class PrincipalVersion extends RedisVersion {
  constructor(redis: RedisService) {
    super(redis, 'principal-version');
  }
}

/**
 * Tenants: the rows the access check keeps between requests (and hands to the handler). Moved by
 * every change to a tenant's address, credentials, dialect or existence; the health monitor's
 * writes do not move it, as no reader of those rows uses the health fields.
 */
@Injectable()
export class RegistryVersion extends RedisVersion {
  constructor(redis: RedisService) {
    super(redis, 'registry-version');
  }
}
