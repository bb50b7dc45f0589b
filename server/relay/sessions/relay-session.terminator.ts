import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors';
import { AppConfig } from '../../config/config';
import { RelayRedis } from './relay-redis';

export type TerminateSessionOutcome = 'terminated' | 'missing';

/**
 * Terminates one relay session: aborts its in-flight upstream requests on whichever instance
 * holds them (pub/sub on `rs:terminate`), releases its concurrency slots, removes it from the
 * indexes and tombstones the id for SESSION_TTL (`rs:{sid}:dead`), so the client's next request
 * in that session gets 409. Permission checks and audit rows are the caller's.
 */
@Injectable()
export class RelaySessionTerminator {
  constructor(
    private readonly redis: RelayRedis,
    private readonly config: AppConfig,
  ) {}

  /**
   * 'missing' when no data of the session exists (expired or never seen).
   * Throws AppError('REDIS_UNAVAILABLE') when Redis cannot be reached; nothing is half-done then.
   * Repeating it after a failure completes what the first call could not.
   */
  async terminate(sessionId: string, by: { userId: number; username: string }): Promise<TerminateSessionOutcome> {
    if (!this.redis.up) throw new AppError('REDIS_UNAVAILABLE', 'Redis is unavailable; the session cannot be terminated now');
    const k = this.redis.keys;
    try {
      const tomb = JSON.stringify({ by: by.username, userId: by.userId, at: new Date().toISOString() });
      const r = (await this.redis.run(
        'TERMINATE_SESSION',
        [k.session(sessionId), k.dead(sessionId), k.bind(sessionId)],
        [tomb, this.config.sessionTtlSeconds * 1000],
      )) as string[];
      if (r[0] === 'missing') return 'missing';
      const providers = (JSON.parse(r[3] || '[]') as { id: number }[] | Record<string, never>) ?? [];
      const pids = Array.isArray(providers) ? providers.map((p) => String(p.id)) : [];
      const userId = r[1] ?? '';
      const keyId = r[2] ?? '';
      await this.redis.run(
        'TERMINATE_INDEX',
        [k.all(), k.active(), k.byUser(userId), k.byKey(keyId), k.inflight(), k.inflightBySession(), k.byProviderPrefix()],
        [sessionId, ...pids],
      );
      await this.redis.client.publish(k.terminateChannel(), sessionId);
      return 'terminated';
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('REDIS_UNAVAILABLE', `Redis is unavailable: ${(err as Error).message}`);
    }
  }
}
