import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import type { Principal } from '../access/principal';
import { User } from '../auth/user.entity';
import { markAudited } from '../common/request-context';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { AuditAction, RouteAction } from './audit-actions';
import { AuditEntry, AuditResult, AuditTarget } from './audit.entity';

export interface AuditRecord {
  actor: Pick<Principal, 'userId' | 'username'> | { userId: null; username: string };
  ip: string;
  action: AuditAction | RouteAction;
  result: AuditResult;
  clusterId?: number | null;
  tenantId?: number | null;
  sessionId?: string | null;
  target?: AuditTarget | null;
  errorCode?: string | null;
  message?: string | null;
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  /** the actor's user name (as recorded) or display name (as it is now) */
  actor?: string;
  action?: string;
  tenantId?: number;
  /** part of the tenant's name */
  tenant?: string;
  /** part of the cluster's name */
  cluster?: string;
  result?: AuditResult;
  /**
   * Rows a caller may see: those about no cluster or tenant, and those about the listed clusters
   * (with their tenants) or tenants. Omitted: every row.
   */
  visible?: { clusterIds: number[]; tenantIds: number[] };
}

/** Names of the users, tenants and clusters a page of rows refers to, as they are now. */
export interface AuditNames {
  users: Map<number, { username: string; displayName: string }>;
  tenants: Map<number, string>;
  clusters: Map<number, string>;
}

/** `%part%` for LIKE, with the wildcards of the part taken literally. */
function contains(part: string): string {
  return `%${part.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const SQL_SNAPSHOT_BYTES = 1024;

/** First 1 KiB of a statement, cut on a character boundary. */
export function snapshotSql(sql: string | null | undefined): string | null {
  if (sql === null || sql === undefined) return null;
  const buf = Buffer.from(sql, 'utf8');
  if (buf.length <= SQL_SNAPSHOT_BYTES) return sql;
  return buf
    .subarray(0, SQL_SNAPSHOT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/** The append-only audit trail: this service only ever inserts and reads. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(@InjectRepository(AuditEntry) private readonly repo: Repository<AuditEntry>) {}

  /** Writes one row; with a transaction's manager the row commits or rolls back with the change it describes. */
  async record(r: AuditRecord, em?: EntityManager): Promise<void> {
    markAudited();
    const target = r.target ? { ...r.target, sql: snapshotSql(r.target.sql) } : null;
    const repo = em ? em.getRepository(AuditEntry) : this.repo;
    try {
      await repo.save(
        repo.create({
          at: new Date(),
          actorId: r.actor.userId,
          actorName: r.actor.username.slice(0, 64),
          actorIp: r.ip.slice(0, 64),
          action: r.action,
          clusterId: r.clusterId ?? null,
          tenantId: r.tenantId ?? null,
          sessionId: r.sessionId ?? null,
          target,
          result: r.result,
          errorCode: r.errorCode ?? null,
          message: r.message ? r.message.slice(0, 1024) : null,
        }),
      );
    } catch (err) {
      // Never swallow silently: an audit row that could not be written is an error in the log.
      this.logger.error({ msg: 'audit write failed', action: r.action, error: (err as Error).message });
      throw err;
    }
  }

  private filtered(f: AuditFilter): SelectQueryBuilder<AuditEntry> {
    const q = this.repo.createQueryBuilder('a');
    if (f.from) q.andWhere('a.at >= :from', { from: f.from });
    if (f.to) q.andWhere('a.at <= :to', { to: f.to });
    if (f.actor) {
      q.andWhere(
        new Brackets((w) =>
          w
            .where('a.actor_name = :actor', { actor: f.actor })
            .orWhere('a.actor_id IN (SELECT u.id FROM users u WHERE u.display_name = :actor)'),
        ),
      );
    }
    if (f.tenant) q.andWhere('a.tenant_id IN (SELECT t.id FROM tenants t WHERE t.name LIKE :tenant)', { tenant: contains(f.tenant) });
    if (f.cluster) {
      q.andWhere('a.cluster_id IN (SELECT c.id FROM clusters c WHERE c.name LIKE :cluster)', { cluster: contains(f.cluster) });
    }
    if (f.action) q.andWhere('a.action = :action', { action: f.action });
    if (f.tenantId !== undefined) q.andWhere('a.tenant_id = :tenantId', { tenantId: f.tenantId });
    if (f.result) q.andWhere('a.result = :result', { result: f.result });
    if (f.visible) {
      const { clusterIds, tenantIds } = f.visible;
      q.andWhere(
        new Brackets((w) => {
          w.where('(a.cluster_id IS NULL AND a.tenant_id IS NULL)');
          if (clusterIds.length) w.orWhere('a.cluster_id IN (:...visibleClusters)', { visibleClusters: clusterIds });
          if (tenantIds.length) w.orWhere('a.tenant_id IN (:...visibleTenants)', { visibleTenants: tenantIds });
        }),
      );
    }
    return q.orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC');
  }

  async find(f: AuditFilter, page: number, pageSize: number): Promise<{ items: AuditEntry[]; total: number }> {
    const [items, total] = await this.filtered(f)
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  /** One lookup per kind for a whole page of rows (never one per row). */
  async namesFor(rows: AuditEntry[]): Promise<AuditNames> {
    const ids = (pick: (r: AuditEntry) => number | null) => [...new Set(rows.map(pick).filter((id): id is number => id !== null))];
    const userIds = ids((r) => r.actorId);
    const tenantIds = ids((r) => r.tenantId);
    const clusterIds = ids((r) => r.clusterId);
    const em = this.repo.manager;
    const [users, tenants, clusters] = await Promise.all([
      userIds.length
        ? em.find(User, { where: { id: In(userIds) }, select: { id: true, username: true, displayName: true } })
        : Promise.resolve([]),
      tenantIds.length ? em.find(Tenant, { where: { id: In(tenantIds) }, select: { id: true, name: true } }) : Promise.resolve([]),
      clusterIds.length ? em.find(Cluster, { where: { id: In(clusterIds) }, select: { id: true, name: true } }) : Promise.resolve([]),
    ]);
    return {
      users: new Map(users.map((u) => [u.id, { username: u.username, displayName: u.displayName }])),
      tenants: new Map(tenants.map((t) => [t.id, t.name])),
      clusters: new Map(clusters.map((c) => [c.id, c.name])),
    };
  }

  /**
   * Streams the filtered rows in batches, newest first, for the CSV export. Each batch continues
   * after the last row of the previous one, so rows written meanwhile neither repeat nor shift it.
   */
  async *all(f: AuditFilter, batch = 1000): AsyncGenerator<AuditEntry[]> {
    let after: AuditEntry | undefined;
    for (;;) {
      const q = this.filtered(f);
      if (after) {
        const { at, id } = after;
        q.andWhere(
          new Brackets((w) =>
            w.where('a.at < :afterAt', { afterAt: at }).orWhere('(a.at = :afterAt AND a.id < :afterId)', { afterId: id }),
          ),
        );
      }
      const rows = await q.take(batch).getMany();
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batch) return;
      after = rows[rows.length - 1];
    }
  }
}
