import { Injectable } from '@nestjs/common';

export type TerminateSessionOutcome = 'terminated' | 'missing';

/**
 * Terminates one relay session: aborts its in-flight upstream requests on whichever instance
 * holds them (pub/sub on `rs:terminate`), releases its concurrency slots, removes it from the
 * indexes and tombstones the id for SESSION_TTL (`rs:{sid}:dead`), so the client's next request
 * in that session gets 409. Permission checks and audit rows are the caller's.
 */
@Injectable()
export class RelaySessionTerminator {
  /**
   * 'missing' when no data of the session exists (expired or never seen).
   * Throws AppError('REDIS_UNAVAILABLE') when Redis cannot be reached; nothing is half-done then.
   */
  terminate(sessionId: string, by: { userId: number; username: string }): Promise<TerminateSessionOutcome> {
    void sessionId;
    void by;
    return Promise.reject(new Error('not implemented'));
  }
}
