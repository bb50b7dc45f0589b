import type { AuditAction } from '../audit/audit-actions';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditResult, AuditTarget } from '../audit/audit.entity';
import { AuditRecord, AuditService } from '../audit/audit.service';
import { PrincipalVersion } from '../common/redis-version';
import { toAppError } from '../common/error.filter';
import type { AppError } from '../common/errors';
import type { Principal } from './principal';

/** Who performs an administrative change, and from where. */
export interface Actor {
  principal: Principal;
  ip: string;
}

/** What the audit row of a change says; the change fills in details as it learns them. */
export interface ChangeEntry {
  action: AuditAction;
  target: AuditTarget;
  clusterId?: number | null;
  tenantId?: number | null;
}

/** How a refused or failed change is recorded. */
export function auditResultFor(err: AppError): AuditResult {
  if (err.status === 404) return 'not_found';
  if (err.status === 403 || err.code === 'LAST_ADMIN' || err.code === 'BUILTIN_ROLE') return 'denied';
  return 'failed';
}

/**
 * Administrative changes: each runs in one transaction together with its audit row, so a change
 * is never applied without its record. A refusal or failure rolls everything back and is then
 * recorded on its own, with its error code.
 */
@Injectable()
export class AdminChanges {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly version: PrincipalVersion,
  ) {}

  async run<T>(actor: Actor, entry: ChangeEntry, work: (em: EntityManager, entry: ChangeEntry) => Promise<T>): Promise<T> {
    const record = (over: Pick<AuditRecord, 'result'> & Partial<AuditRecord>): AuditRecord => ({
      actor: actor.principal,
      ip: actor.ip,
      action: entry.action,
      target: entry.target,
      clusterId: entry.clusterId ?? null,
      tenantId: entry.tenantId ?? null,
      ...over,
    });
    try {
      // Users, roles and grants make up principals: every instance reloads them on the next request.
      return await this.version.around(() =>
        this.ds.transaction('READ COMMITTED', async (em) => {
          const value = await work(em, entry);
          await this.audit.record(record({ result: 'ok' }), em);
          return value;
        }),
      );
    } catch (err) {
      const e = toAppError(err);
      await this.audit.record(record({ result: auditResultFor(e), errorCode: e.code, message: e.message })).catch(() => {
        // AuditService has logged it; the caller learns about the original error.
      });
      throw err;
    }
  }
}
