import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Connection, PoolConnection } from 'mysql2/promise';
import { levelOn } from '../access/permissions';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import type { AuditResult } from '../audit/audit.entity';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { withTimeout } from '../common/redis.service';
import { Cluster } from '../tenants/cluster.entity';
import { describeTenant, TenantPools } from '../tenants/tenant-pools';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsService } from '../tenants/tenants.service';
import type {
  ClusterSessionPageDto,
  KillDto,
  KillResultDto,
  SessionListQuery,
  SessionPageDto,
  SessionRowDto,
  SortField,
  TraceConfigDto,
  TraceStateDto,
} from './db-sessions.dto';
import type { KillScope, SessionRow } from './dialects';
import { adapterOf, SessionSnapshots } from './session-snapshots';

export { preview, SQL_PREVIEW_CHARS } from './session-snapshots';
const KILL_CONCURRENCY = 4;
/** information_schema.PROCESSLIST cuts INFO at this many characters */
const VIEW_INFO_LIMIT = 65535;

const ER_NO_SUCH_THREAD = 1094;
const ER_KILL_DENIED = 1095;

type Row = SessionRow & { tenantName?: string };

function contains(value: string | null, needle: string | undefined): boolean {
  if (!needle) return true;
  return (value ?? '').toLowerCase().includes(needle.toLowerCase());
}

export function filterRows<T extends SessionRow>(rows: T[], q: SessionListQuery): T[] {
  return rows.filter(
    (r) =>
      (q.sessionId === undefined || r.id === q.sessionId) &&
      (q.tenantId === undefined || r.tenantId === q.tenantId) &&
      contains(r.user, q.user) &&
      contains(r.source, q.source) &&
      contains(r.db, q.db) &&
      (!q.activeOnly || r.active) &&
      (q.minTransactionSeconds === undefined || (r.transactionState !== null && trxAge(r) >= q.minTransactionSeconds)),
  );
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** seconds the session's transaction has been open; -1 without one */
function trxAge(r: SessionRow): number {
  const v = r.extras.trxAgeSeconds;
  return typeof v === 'number' ? v : r.transactionState === null ? -1 : 0;
}

export function sortRows<T extends Row>(rows: T[], sort = 'time:desc'): T[] {
  const [field, dir] = sort.split(':') as [SortField, 'asc' | 'desc'];
  const sign = dir === 'asc' ? 1 : -1;
  const key: Record<SortField, (a: T, b: T) => number> = {
    time: (a, b) => a.timeSeconds - b.timeSeconds,
    id: (a, b) => compareIds(a.id, b.id),
    user: (a, b) => a.user.localeCompare(b.user),
    source: (a, b) => a.source.localeCompare(b.source),
    db: (a, b) => (a.db ?? '').localeCompare(b.db ?? ''),
    command: (a, b) => a.command.localeCompare(b.command),
    state: (a, b) => a.state.localeCompare(b.state),
    tenant: (a, b) => (a.tenantName ?? '').localeCompare(b.tenantName ?? '') || a.tenantId - b.tenantId,
    sql: (a, b) => (a.sql ?? '').localeCompare(b.sql ?? ''),
    sqlId: (a, b) => (a.sqlId ?? '').localeCompare(b.sqlId ?? ''),
    server: (a, b) => (a.server ?? '').localeCompare(b.server ?? ''),
    proxy: (a, b) => (a.proxy ?? '').localeCompare(b.proxy ?? ''),
    transaction: (a, b) => trxAge(a) - trxAge(b),
    // running statements first (desc), then the longest running
    activity: (a, b) => Number(a.active) - Number(b.active) || a.timeSeconds - b.timeSeconds,
  };
  const cmp = key[field];
  // ties keep a stable order by id so pages do not shuffle between refreshes
  return [...rows].sort((a, b) => sign * cmp(a, b) || compareIds(a.id, b.id));
}

/** host part of "host:port" (IPv6 in brackets or bare) */
export function hostOf(source: string): string {
  const m = /^\[(.*)\](?::\d+)?$/.exec(source) ?? /^(.*?)(?::\d+)?$/.exec(source);
  return m?.[1] ?? source;
}

interface Failure {
  errno?: number;
  code?: string;
  sqlMessage?: string;
  message?: string;
}

function driverFailure(err: unknown): Failure {
  if (err instanceof AppError) {
    const d = err.details as { errno?: number } | undefined;
    return { errno: d?.errno, code: err.code, message: err.message };
  }
  return err as Failure;
}

async function runOn(
  conn: PoolConnection | Connection,
  sql: string,
  params: unknown[],
  timeout: number,
): Promise<Record<string, unknown>[]> {
  const [rows] = await conn.query({ sql, values: params, timeout });
  return rows as Record<string, unknown>[];
}

@Injectable()
export class DbSessionsService {
  private readonly logger = new Logger('db-sessions');

  constructor(
    @InjectRepository(Tenant) private readonly tenantRepo: Repository<Tenant>,
    @InjectRepository(Cluster) private readonly clusterRepo: Repository<Cluster>,
    private readonly tenants: TenantsService,
    private readonly pools: TenantPools,
    private readonly snapshots: SessionSnapshots,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** A snapshot row (SQL already cut to the preview) as the API answers it. */
  private toDto(r: Row, own: ReadonlySet<string> | undefined): SessionRowDto {
    return { ...r, console: own?.has(r.id) ?? false };
  }

  async list(tenantId: number, q: SessionListQuery): Promise<SessionPageDto> {
    const t = await this.tenants.findForRequest(tenantId);
    const [snap, own] = await Promise.all([this.snapshots.get(t), this.pools.ownConnectionIds(t)]);
    const rows = sortRows(filterRows(snap.rows, q), q.sort);
    const start = (q.page - 1) * q.pageSize;
    return {
      items: rows.slice(start, start + q.pageSize).map((r) => this.toDto(r, own)),
      total: rows.length,
      page: q.page,
      pageSize: q.pageSize,
      fetchedAt: snap.fetchedAt.toISOString(),
    };
  }

  /** Every readable tenant of the cluster, concurrently, each under its own time budget. */
  async listCluster(clusterId: number, q: SessionListQuery, p: Principal): Promise<ClusterSessionPageDto> {
    const tenants = (await this.tenantRepo.find({ where: { clusterId }, order: { name: 'ASC' } })).filter(
      (t) => levelOn(p, t.clusterId, t.id) !== null,
    );
    const wanted = q.tenantId === undefined ? tenants : tenants.filter((t) => t.id === q.tenantId);
    const budget = this.config.tenantConnectTimeoutMs + this.config.tenantQueryTimeoutMs;
    const settled = await Promise.allSettled(
      wanted.map((t) => withTimeout(this.snapshots.get(t), budget, `${describeTenant(t)} did not answer`)),
    );
    const own = new Map<number, ReadonlySet<string>>();
    await Promise.all(
      wanted.map(async (t, i) => {
        if (settled[i]!.status === 'fulfilled') own.set(t.id, await this.pools.ownConnectionIds(t));
      }),
    );
    const rows: Row[] = [];
    const errors: ClusterSessionPageDto['errors'] = [];
    let fetchedAt = new Date(0);
    settled.forEach((s, i) => {
      const t = wanted[i]!;
      if (s.status === 'fulfilled') {
        for (const r of s.value.rows) rows.push({ ...r, tenantName: t.name });
        if (s.value.fetchedAt > fetchedAt) fetchedAt = s.value.fetchedAt;
      } else {
        const e = s.reason instanceof AppError ? s.reason : new AppError('TENANT_UNREACHABLE', (s.reason as Error).message);
        errors.push({ tenantId: t.id, tenantName: t.name, code: e.code, message: e.message });
      }
    });
    const sorted = sortRows(filterRows(rows, q), q.sort);
    const start = (q.page - 1) * q.pageSize;
    return {
      items: sorted.slice(start, start + q.pageSize).map((r) => this.toDto(r, own.get(r.tenantId))),
      total: sorted.length,
      page: q.page,
      pageSize: q.pageSize,
      fetchedAt: (fetchedAt.getTime() ? fetchedAt : new Date()).toISOString(),
      errors,
      tenants: tenants.map((t) => ({ id: t.id, name: t.name, dialect: t.dialect, level: levelOn(p, t.clusterId, t.id) })),
    };
  }

  /** One session read fresh (not from the cache), with its whole SQL. */
  private async readOne(t: Tenant, id: string): Promise<SessionRow | null> {
    const adapter = adapterOf(t);
    const rows = await this.pools.query<Record<string, unknown>>(t, adapter.oneSql(t.capabilities!), [id]);
    if (!rows[0]) return null;
    const row = adapter.mapRow(rows[0], t.id);
    if (row.server === null) row.server = `${t.host}:${t.port}`;
    return row;
  }

  async detail(tenantId: number, id: string): Promise<SessionRowDto> {
    const t = await this.tenants.findForRequest(tenantId);
    const row = await this.readOne(t, id);
    if (!row) throw new AppError('SESSION_NOT_FOUND', `Session ${id} no longer exists on tenant ${t.name}`);
    const adapter = adapterOf(t);
    if (row.sql !== null && row.sql.length >= VIEW_INFO_LIMIT && adapter.fullInfoSql) {
      const full = await this.pools.query<{ Id: unknown; Info: unknown }>(t, adapter.fullInfoSql);
      const match = full.find((r) => String(r.Id) === id);
      if (match && typeof match.Info === 'string') row.sql = match.Info;
    }
    return { ...row, console: (await this.pools.ownConnectionIds(t)).has(id) };
  }

  async kill(tenantId: number, dto: KillDto, p: Principal, ip: string): Promise<KillResultDto[]> {
    const t = await this.tenants.findForRequest(tenantId);
    const ids = [...new Set(dto.ids)];
    const results = new Array<KillResultDto>(ids.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const i = next++;
        results[i] = await this.killOne(t, ids[i]!, dto.scope, dto.expect?.[ids[i]!], p, ip);
      }
    };
    await Promise.all(Array.from({ length: Math.min(KILL_CONCURRENCY, ids.length) }, worker));
    await this.snapshots.invalidate(t.id);
    return results;
  }

  /**
   * One id of a kill batch. The audit row is written before the KILL runs, so no session is killed
   * without its record: when that write fails, nothing is killed and the id answers failed. A kill
   * that then fails adds a row with its outcome. Never throws: a batch never fails halfway.
   */
  private async killOne(
    t: Tenant,
    id: string,
    scope: KillScope,
    seen: { user: string; source: string } | undefined,
    p: Principal,
    ip: string,
  ): Promise<KillResultDto> {
    let row: SessionRow | null = null;
    const action = scope === 'query' ? 'session.kill_query' : 'session.kill';
    const record = async (result: KillResultDto): Promise<void> => {
      const r = row as SessionRow | null;
      await this.audit.record({
        actor: p,
        ip,
        action,
        result: auditResult(result.outcome),
        errorCode: result.code && result.outcome !== 'killed' ? result.code : null,
        message: result.outcome === 'killed' ? null : (result.message ?? null),
        clusterId: t.clusterId,
        tenantId: t.id,
        sessionId: id,
        target: r ? { user: r.user, host: r.source, db: r.db, sql: r.sql } : seen ? { user: seen.user, host: seen.source } : null,
      });
    };
    const unaudited = (err: unknown): KillResultDto => {
      this.logger.error({ msg: 'kill not run: its audit row could not be written', tenantId: t.id, id, error: (err as Error).message });
      return { id, outcome: 'failed', code: 'AUDIT_UNAVAILABLE', message: 'The audit trail could not record the kill; nothing was killed' };
    };
    const refusal = await (async (): Promise<KillResultDto | null> => {
      if ((await this.pools.ownConnectionIds(t)).has(id)) {
        return { id, outcome: 'refused', code: 'OWN_CONNECTION', message: "This is one of the console's own connections" };
      }
      try {
        row = await this.readOne(t, id);
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('TENANT_QUERY_FAILED', String(err));
        return { id, outcome: 'failed', code: e.code, message: e.message };
      }
      if (!row) return { id, outcome: 'not_found', code: 'SESSION_NOT_FOUND', message: 'The session has already ended' };
      if (row.system) return { id, outcome: 'refused', code: 'SYSTEM_THREAD', message: `Session ${id} is a system or replication thread` };
      // the read above may have opened a pool connection that now holds this id
      if ((await this.pools.ownConnectionIds(t)).has(id)) {
        return { id, outcome: 'refused', code: 'OWN_CONNECTION', message: "This is one of the console's own connections" };
      }
      if (seen && (seen.user !== row.user || hostOf(seen.source) !== hostOf(row.source) || seen.source !== row.source)) {
        return {
          id,
          outcome: 'changed',
          code: 'SESSION_CHANGED',
          message: `Session ${id} now belongs to ${row.user}@${row.source}, not ${seen.user}@${seen.source}; nothing was killed`,
        };
      }
      if (scope === 'query' && !row.active) {
        return {
          id,
          outcome: 'refused',
          code: 'NO_STATEMENT_RUNNING',
          message: `Session ${id} is not running a statement; there was no query to close`,
        };
      }
      return null;
    })().catch((err: unknown): KillResultDto => {
      // e.g. Redis unavailable for the console's own connection ids: nothing is killed
      const e = err instanceof AppError ? err : new AppError('TENANT_QUERY_FAILED', String(err));
      return { id, outcome: 'failed', code: e.code, message: e.message };
    });
    if (refusal) {
      await record(refusal).catch((err: unknown) => unaudited(err));
      return refusal;
    }
    try {
      await record({ id, outcome: 'killed' });
    } catch (err) {
      return unaudited(err);
    }
    const result = await this.execKill(t, row!, scope).catch((err: unknown): KillResultDto => ({
      id,
      outcome: 'failed',
      code: 'TENANT_QUERY_FAILED',
      message: (err as Error).message,
    }));
    if (result.outcome !== 'killed') await record(result).catch((err: unknown) => unaudited(err));
    return result;
  }

  private async execKill(t: Tenant, row: SessionRow, scope: KillScope): Promise<KillResultDto> {
    const adapter = adapterOf(t);
    const sql = adapter.killSql(row.id, scope);
    const outcome = (err: unknown): KillResultDto => {
      const f = driverFailure(err);
      if (f.errno === ER_NO_SUCH_THREAD)
        return { id: row.id, outcome: 'not_found', code: 'SESSION_NOT_FOUND', message: 'The session has already ended' };
      return {
        id: row.id,
        outcome: 'failed',
        code: f.errno !== undefined ? String(f.errno) : (f.code ?? 'TENANT_QUERY_FAILED'),
        message: f.sqlMessage ?? f.message ?? 'The kill failed',
      };
    };
    try {
      await this.pools.withConnection(t, (conn, timeout) => runOn(conn, sql, [], timeout));
      return { id: row.id, outcome: 'killed' };
    } catch (err) {
      const f = driverFailure(err);
      const proxyMiss = f.errno === ER_NO_SUCH_THREAD || f.errno === ER_KILL_DENIED || /unknown thread id|not owner/i.test(f.message ?? '');
      // Through OBProxy, older versions cannot route the kill: retry on the session's OBServer.
      if (t.capabilities?.killViaServer && proxyMiss && row.server) {
        const [host, port] = splitAddress(row.server);
        try {
          await this.pools.direct(t, host, port, (conn, timeout) => runOn(conn, sql, [], timeout));
          return { id: row.id, outcome: 'killed' };
        } catch (retryErr) {
          this.logger.warn({ msg: 'kill retry on OBServer failed', tenantId: t.id, server: row.server });
          return outcome(retryErr);
        }
      }
      return outcome(err);
    }
  }

  // ---- full-link trace (OceanBase >= 4.2.1) ----

  private async traceTarget(tenantId: number, id: string): Promise<{ t: Tenant; row: SessionRow }> {
    const t = await this.tenants.findForRequest(tenantId);
    if (!t.capabilities?.fullLinkTrace) {
      throw new AppError(
        'FEATURE_UNAVAILABLE',
        t.dialect === 'oceanbase'
          ? `Session-level full-link trace needs OceanBase 4.2.1 or later; tenant ${t.name} runs ${t.version}`
          : `Session-level full-link trace exists only on OceanBase 4.2.1 or later; tenant ${t.name} is ${t.dialect}`,
      );
    }
    const row = await this.readOne(t, id);
    if (!row) throw new AppError('SESSION_NOT_FOUND', `Session ${id} no longer exists on tenant ${t.name}`);
    return { t, row };
  }

  async getTrace(tenantId: number, id: string): Promise<TraceStateDto> {
    const { row } = await this.traceTarget(tenantId, id);
    return traceState(row);
  }

  async setTrace(tenantId: number, id: string, cfg: TraceConfigDto | null, p: Principal, ip: string): Promise<TraceStateDto> {
    const { t, row } = await this.traceTarget(tenantId, id);
    const [host, port] = splitAddress(row.server ?? `${t.host}:${t.port}`);
    const action = cfg ? 'session.trace_enable' : 'session.trace_disable';
    const target = { user: row.user, host: row.source, db: row.db, sql: row.sql, ...(cfg ?? {}) };
    try {
      // DBMS_MONITOR only finds sessions on the OBServer it runs on: connect to that one directly.
      await this.pools.direct(t, host, port, (conn, timeout) =>
        cfg
          ? runOn(conn, 'CALL DBMS_MONITOR.OB_SESSION_TRACE_ENABLE(?, ?, ?, ?)', [id, cfg.level, cfg.sampleRate, cfg.recordPolicy], timeout)
          : runOn(conn, 'CALL DBMS_MONITOR.OB_SESSION_TRACE_DISABLE(?)', [id], timeout),
      );
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('TENANT_QUERY_FAILED', String(err));
      await this.audit.record({
        actor: p,
        ip,
        action,
        result: 'failed',
        errorCode: e.code,
        message: e.message,
        clusterId: t.clusterId,
        tenantId: t.id,
        sessionId: id,
        target,
      });
      throw e;
    }
    await this.audit.record({ actor: p, ip, action, result: 'ok', clusterId: t.clusterId, tenantId: t.id, sessionId: id, target });
    await this.snapshots.invalidate(t.id);
    const after = await this.readOne(t, id);
    return after
      ? traceState(after)
      : { enabled: cfg !== null, level: cfg?.level ?? null, sampleRate: cfg?.sampleRate ?? null, recordPolicy: cfg?.recordPolicy ?? null };
  }

  /** Cluster name for messages. */
  async clusterName(id: number): Promise<string> {
    return (await this.clusterRepo.findOneBy({ id }))?.name ?? String(id);
  }
}

function auditResult(outcome: KillResultDto['outcome']): AuditResult {
  switch (outcome) {
    case 'killed':
      return 'ok';
    case 'not_found':
      return 'not_found';
    case 'refused':
      return 'denied';
    case 'changed':
    case 'failed':
      return 'failed';
  }
}

export function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

function traceState(row: SessionRow): TraceStateDto {
  const level =
    typeof row.extras.traceLevel === 'number' ? row.extras.traceLevel : row.extras.traceLevel ? Number(row.extras.traceLevel) : null;
  const pct = row.extras.traceSamplePercentage;
  const policy = row.extras.traceRecordPolicy;
  const enabled = level !== null && level > 0;
  return {
    enabled,
    level: enabled ? level : null,
    // GV$OB_PROCESSLIST shows SAMPLE_PERCENTAGE as the rate x 100 (0.5 -> 50)
    sampleRate: enabled && pct !== null && pct !== undefined ? Number(pct) / 100 : null,
    recordPolicy: enabled && typeof policy === 'string' ? policy : null,
  };
}
