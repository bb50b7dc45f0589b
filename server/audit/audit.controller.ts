import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { Menu } from '../access/access.decorators';
import { clientIp } from '../access/principal';
import type { PrincipalRequest } from '../access/principal';
import type { AuditEntry } from './audit.entity';
import { AuditFilter, AuditNames, AuditService } from './audit.service';
import { AuditDto, AuditFilterQuery, AuditPageDto, AuditQuery } from './audit.dto';
import { csvRow } from './csv';
import { auditVisibility } from './visibility';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actorId',
  'actorName',
  'actorDisplayName',
  'actorIp',
  'action',
  'result',
  'errorCode',
  'clusterId',
  'clusterName',
  'tenantId',
  'tenantName',
  'sessionId',
  'message',
  'target',
] as const satisfies readonly (keyof AuditDto)[];

/** The name a row recorded for what its action is about (e.g. the tenant of a tenant.create). */
function snapshotName(e: AuditEntry, kind: 'tenant' | 'cluster'): string | null {
  const name = e.target?.name;
  return e.action.startsWith(`${kind}.`) && typeof name === 'string' && name !== '' ? name : null;
}

export function toAuditDto(e: AuditEntry, names?: AuditNames): AuditDto {
  const user = e.actorId === null ? undefined : names?.users.get(e.actorId);
  const tenant = e.tenantId === null ? undefined : names?.tenants.get(e.tenantId);
  const cluster = e.clusterId === null ? undefined : names?.clusters.get(e.clusterId);
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorName: e.actorName,
    actorDisplayName: user?.displayName || null,
    actorDeleted: names !== undefined && user === undefined,
    actorIp: e.actorIp,
    action: e.action,
    clusterId: e.clusterId,
    clusterName: cluster ?? snapshotName(e, 'cluster'),
    clusterDeleted: names !== undefined && e.clusterId !== null && cluster === undefined,
    tenantId: e.tenantId,
    tenantName: tenant ?? snapshotName(e, 'tenant'),
    tenantDeleted: names !== undefined && e.tenantId !== null && tenant === undefined,
    sessionId: e.sessionId,
    target: e.target,
    result: e.result,
    errorCode: e.errorCode,
    message: e.message,
  };
}

function toFilter(q: AuditFilterQuery, req: PrincipalRequest): AuditFilter {
  return {
    from: q.from === undefined ? undefined : new Date(q.from),
    to: q.to === undefined ? undefined : new Date(q.to),
    actor: q.actor,
    action: q.action,
    tenantId: q.tenantId,
    tenant: q.tenant,
    cluster: q.cluster,
    result: q.result,
    visible: auditVisibility(req.principal!),
  };
}

@ApiTags('audit')
@Controller('audit')
@Menu('audit.read')
export class AuditController {
  private readonly logger = new Logger('audit');

  constructor(private readonly audit: AuditService) {}

  /** Newest first. Callers without an all-clusters grant see only rows about what they may read. */
  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() q: AuditQuery, @Req() req: PrincipalRequest): Promise<AuditPageDto> {
    const { items, total } = await this.audit.find(toFilter(q, req), q.page, q.pageSize);
    const names = await this.audit.namesFor(items);
    return { items: items.map((e) => toAuditDto(e, names)), total, page: q.page, pageSize: q.pageSize };
  }

  /** The same rows as CSV (RFC 4180, UTF-8 with a byte order mark so spreadsheets read it as UTF-8). */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV file, one header row then one row per audit entry', schema: { type: 'string' } })
  async export(@Query() q: AuditFilterQuery, @Req() req: PrincipalRequest, @Res() res: Response): Promise<void> {
    const filter = toFilter(q, req);
    const rows = this.audit.all(filter);
    // The first batch is read before any byte is sent, so a failing query still answers with the JSON error shape.
    let next = await rows.next();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    let count = 0;
    try {
      await write(res, '\uFEFF' + csvRow(AUDIT_CSV_COLUMNS));
      while (!next.done) {
        if (res.destroyed) return;
        const names = await this.audit.namesFor(next.value);
        const dtos = next.value.map((e) => toAuditDto(e, names));
        count += dtos.length;
        await write(res, dtos.map((d) => csvRow(AUDIT_CSV_COLUMNS.map((c) => d[c]))).join(''));
        next = await rows.next();
      }
      // Recorded before the answer completes: a client that saw the whole file finds its row at once,
      // and an export that cannot be recorded is cut off like a failed one.
      await this.audit.record({
        actor: req.principal!,
        ip: clientIp(req),
        action: 'audit.export',
        result: 'ok',
        target: { filters: { ...q }, rows: count },
      });
      res.end();
    } catch (err) {
      // Cut the transfer so a partial file can never pass for a complete one.
      this.logger.error({ msg: 'audit export failed', error: (err as Error).message, rows: count });
      res.destroy(err as Error);
      return;
    } finally {
      await rows.return(undefined);
    }
  }
}

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}
