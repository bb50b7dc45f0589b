import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../common/redis.service';

/**
 * One counter in Redis that every change to users, roles, grants or passwords increments. Each
 * instance caches principals per console session together with the counter value they were
 * loaded under and reads the counter on every request (in the same round trip as the session),
 * so a change takes effect on the very next request on every instance.
 */
@Injectable()
export class PrincipalVersion {
  private readonly logger = new Logger('auth');

  constructor(private readonly redis: RedisService) {}

  get key(): string {
    return this.redis.key('principal-version');
  }

  /** Invalidates every cached principal; fails (REDIS_UNAVAILABLE) when Redis cannot be reached. */
  async bump(): Promise<void> {
    await this.redis.run((r) => r.incr(this.key));
  }

  /** After a commit: never fails, a missed bump is logged. */
  async bumpQuietly(): Promise<void> {
    await this.bump().catch((err: unknown) =>
      this.logger.error({ msg: 'principal cache invalidation failed', error: (err as Error).message }),
    );
  }

  /**
   * Runs a change that affects principals: the counter moves before it commits (so a change is
   * not applied when invalidation is impossible) and again after (so a principal loaded
   * meanwhile, from the data before the commit, is not kept).
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
