import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../access/principal';
import { AuditService } from '../../audit/audit.service';
import type { AuditResult } from '../../audit/audit.entity';
import { AppError } from '../../common/errors';
import type { TerminateOutcome, TerminateResult } from '../relay.types';
import { MAX_TERMINATE_BATCH, RELAY_PAGE_SIZE } from './relay-sessions.dto';
import type { RelayRequestDetailDto, RelayRequestPageDto, RelaySessionDetailDto, RelaySessionPageDto } from './relay-sessions.dto';
import { RelaySessionReader, SessionScope } from './relay-session.reader';
import { RelaySessionTerminator } from './relay-session.terminator';

export const TERMINATE_ACTION = 'relay.session.terminate';
const TERMINATE_CONCURRENCY = 8;

/** Holders of the relay.sessions menu (administrators) see every session; anyone else their own. */
export function scopeOf(p: Principal): SessionScope {
  return p.allAccess || p.menus.includes('relay.sessions') ? { kind: 'all' } : { kind: 'user', userId: p.userId };
}

/** Someone else's session answers exactly like one that does not exist. */
function notFound(id: string): AppError {
  return new AppError('SESSION_NOT_FOUND', `Relay session ${id} does not exist or has expired`);
}

function redisDown(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('REDIS_UNAVAILABLE', `Redis is unavailable: ${(err as Error).message}`);
}

@Injectable()
export class RelaySessionsService {
  private readonly logger = new Logger('relay-sessions');

  constructor(
    private readonly reader: RelaySessionReader,
    private readonly terminator: RelaySessionTerminator,
    private readonly audit: AuditService,
  ) {}

  private async redis<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw redisDown(err);
    }
  }

  async list(p: Principal, state: 'active' | 'inactive', page: number): Promise<RelaySessionPageDto> {
    const res = await this.redis(() => this.reader.list(scopeOf(p), state, page, RELAY_PAGE_SIZE));
    return { ...res, page, pageSize: RELAY_PAGE_SIZE };
  }

  async detail(p: Principal, id: string): Promise<RelaySessionDetailDto> {
    const s = await this.redis(() => this.reader.session(id));
    if (!s || !this.mayAccess(p, s.userId)) throw notFound(id);
    return s;
  }

  async requests(p: Principal, id: string, order: 'asc' | 'desc', page: number): Promise<RelayRequestPageDto> {
    await this.detail(p, id);
    const res = await this.redis(() => this.reader.requests(id, order, page, RELAY_PAGE_SIZE));
    return { ...res, page, pageSize: RELAY_PAGE_SIZE };
  }

  async request(p: Principal, id: string, seq: number): Promise<RelayRequestDetailDto> {
    await this.detail(p, id);
    const r = await this.redis(() => this.reader.requestDetail(id, seq));
    if (!r) throw new AppError('NOT_FOUND', `Request #${seq} of relay session ${id} does not exist or has expired`);
    return r;
  }

  /** One session; the answer's status follows its outcome (404 missing, 403 someone else's, 503 Redis). */
  async terminateOne(p: Principal, ip: string, id: string): Promise<TerminateResult> {
    const res = await this.terminate(p, ip, [id]);
    const r = res.results[0]!;
    if (r.outcome === 'missing') throw notFound(id);
    if (r.outcome === 'unauthorized') throw new AppError('PERMISSION_DENIED', 'You may terminate only your own relay sessions');
    if (r.outcome === 'failed') throw new AppError('REDIS_UNAVAILABLE', r.message ?? 'Redis is unavailable');
    return res;
  }

  /**
   * Terminates a batch: duplicates folded, each id checked against the caller, each outcome
   * audited. When Redis cannot be read at all nothing is terminated and the call answers 503.
   */
  async terminate(p: Principal, ip: string, rawIds: string[]): Promise<TerminateResult> {
    const ids = [...new Set(rawIds)];
    if (ids.length > MAX_TERMINATE_BATCH) {
      throw new AppError('VALIDATION_FAILED', `ids may name at most ${MAX_TERMINATE_BATCH} sessions (got ${ids.length} distinct)`, {
        fields: [{ field: 'ids', problems: [`at most ${MAX_TERMINATE_BATCH} distinct sessions`] }],
        limit: MAX_TERMINATE_BATCH,
      });
    }
    const scope = scopeOf(p);
    let owners: Awaited<ReturnType<RelaySessionReader['owners']>>;
    try {
      owners = await this.reader.owners(ids);
    } catch (err) {
      const e = redisDown(err);
      for (const id of ids) await this.record(p, ip, id, 'failed', e.code, e.message);
      throw e;
    }

    const results: TerminateResult['results'] = new Array(ids.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i]!;
        const owner = owners.get(id) ?? null;
        let outcome: TerminateOutcome;
        let message: string | undefined;
        if (!owner || owner.dead) {
          outcome = 'missing';
        } else if (scope.kind === 'user' && owner.userId !== scope.userId) {
          outcome = 'unauthorized';
        } else {
          try {
            outcome = await this.terminator.terminate(id, { userId: p.userId, username: p.username });
          } catch (err) {
            outcome = 'failed';
            message = err instanceof AppError ? err.message : 'Termination failed';
            if (!(err instanceof AppError)) this.logger.error({ msg: 'terminate failed', sessionId: id, error: (err as Error).message });
          }
        }
        results[i] = message === undefined ? { id, outcome } : { id, outcome, message };
        const auditResult: AuditResult =
          outcome === 'terminated' ? 'ok' : outcome === 'unauthorized' ? 'denied' : outcome === 'missing' ? 'not_found' : 'failed';
        const code =
          outcome === 'unauthorized'
            ? 'PERMISSION_DENIED'
            : outcome === 'missing'
              ? 'SESSION_NOT_FOUND'
              : outcome === 'failed'
                ? 'REDIS_UNAVAILABLE'
                : null;
        await this.record(p, ip, id, auditResult, code, message ?? null, owner ?? undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TERMINATE_CONCURRENCY, ids.length) }, worker));
    const count = (o: TerminateOutcome) => results.filter((r) => r.outcome === o).length;
    return {
      terminated: count('terminated'),
      unauthorized: count('unauthorized'),
      missing: count('missing'),
      failed: count('failed'),
      results,
    };
  }

  private mayAccess(p: Principal, ownerId: number): boolean {
    const scope = scopeOf(p);
    return scope.kind === 'all' || scope.userId === ownerId;
  }

  private record(
    p: Principal,
    ip: string,
    id: string,
    result: AuditResult,
    errorCode: string | null,
    message: string | null,
    owner?: { userId: number; userName: string },
  ): Promise<void> {
    return this.audit.record({
      actor: p,
      ip,
      action: TERMINATE_ACTION,
      result,
      sessionId: id.slice(0, 128),
      target: { relaySessionId: id, ...(owner ? { user: owner.userName, userId: owner.userId } : {}) },
      errorCode,
      message,
    });
  }
}
