import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { User } from '../auth/user.entity';
import { AppError } from '../common/errors';
import type { Page } from '../common/pagination';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import { Actor, AdminChanges, ChangeEntry } from './admin-audit';
import { isDuplicateKey } from './admin.dto';
import { assertMayGrant } from './escalation';
import { Grant } from './grant.entity';
import type { CreateGrantDto, GrantDto, GrantQuery } from './grants.dto';
import { Role } from './role.entity';

interface Names {
  users: Map<number, string>;
  roles: Map<number, string>;
  clusters: Map<number, string>;
  tenants: Map<number, { name: string; clusterId: number }>;
}

function toGrantDto(g: Grant, n: Names): GrantDto {
  const tenant = g.scope === 'tenant' ? n.tenants.get(g.resourceId) : undefined;
  const resourceName = g.scope === 'all' ? '*' : g.scope === 'cluster' ? (n.clusters.get(g.resourceId) ?? null) : (tenant?.name ?? null);
  return {
    id: g.id,
    subjectType: g.subjectType,
    subjectId: g.subjectId,
    subjectName: (g.subjectType === 'user' ? n.users : n.roles).get(g.subjectId) ?? null,
    scope: g.scope,
    resourceId: g.resourceId,
    resourceName,
    clusterId: g.scope === 'cluster' ? g.resourceId : (tenant?.clusterId ?? null),
    level: g.level,
    createdAt: g.createdAt.toISOString(),
  };
}

async function namesFor(em: EntityManager, grants: Grant[]): Promise<Names> {
  const ids = (pick: (g: Grant) => boolean) => [...new Set(grants.filter(pick).map((g) => g.resourceId))];
  const subjects = (type: Grant['subjectType']) => [...new Set(grants.filter((g) => g.subjectType === type).map((g) => g.subjectId))];
  const userIds = subjects('user');
  const roleIds = subjects('role');
  const clusterIds = ids((g) => g.scope === 'cluster');
  const tenantIds = ids((g) => g.scope === 'tenant');
  const [users, roles, clusters, tenants] = await Promise.all([
    userIds.length ? em.getRepository(User).find({ where: { id: In(userIds) }, select: { id: true, username: true } }) : [],
    roleIds.length ? em.getRepository(Role).find({ where: { id: In(roleIds) }, select: { id: true, name: true } }) : [],
    clusterIds.length ? em.getRepository(Cluster).find({ where: { id: In(clusterIds) }, select: { id: true, name: true } }) : [],
    tenantIds.length
      ? em.getRepository(Tenant).find({ where: { id: In(tenantIds) }, select: { id: true, name: true, clusterId: true } })
      : [],
  ]);
  return {
    users: new Map(users.map((u) => [u.id, u.username])),
    roles: new Map(roles.map((r) => [r.id, r.name])),
    clusters: new Map(clusters.map((c) => [c.id, c.name])),
    tenants: new Map(tenants.map((t) => [t.id, { name: t.name, clusterId: t.clusterId }])),
  };
}

/** Resource grants: (user | role) × (all | cluster | tenant) × (read_only | operate). */
@Injectable()
export class GrantsService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Grant) private readonly grantRepo: Repository<Grant>,
    private readonly changes: AdminChanges,
  ) {}

  async list(q: GrantQuery): Promise<Page<GrantDto>> {
    const where: FindOptionsWhere<Grant> = {};
    if (q.subjectType !== undefined) where.subjectType = q.subjectType;
    if (q.subjectId !== undefined) where.subjectId = q.subjectId;
    if (q.scope !== undefined) where.scope = q.scope;
    if (q.resourceId !== undefined) where.resourceId = q.resourceId;
    const [grants, total] = await this.grantRepo.findAndCount({
      where,
      order: { id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const names = await namesFor(this.ds.manager, grants);
    return { items: grants.map((g) => toGrantDto(g, names)), total, page: q.page, pageSize: q.pageSize };
  }

  /** Grants a level; the same subject and resource again changes the level of the existing grant. */
  async upsert(dto: CreateGrantDto, actor: Actor): Promise<{ grant: GrantDto; created: boolean }> {
    const resourceId = dto.scope === 'all' ? (dto.resourceId ?? 0) : dto.resourceId;
    if (dto.scope === 'all' && resourceId !== 0) {
      throw new AppError('VALIDATION_FAILED', 'resourceId must be 0 or omitted for scope all', {
        fields: [{ field: 'resourceId', problems: ['resourceId must be 0 or omitted for scope all'] }],
      });
    }
    if (resourceId === undefined || (dto.scope !== 'all' && resourceId < 1)) {
      const problem = `resourceId must be the id of the ${dto.scope}`;
      throw new AppError('VALIDATION_FAILED', problem, { fields: [{ field: 'resourceId', problems: [problem] }] });
    }
    const key = { subjectType: dto.subjectType, subjectId: dto.subjectId, scope: dto.scope, resourceId };
    const entry: ChangeEntry = { action: 'grant.create', target: { ...key, level: dto.level } };
    return this.changes.run(actor, entry, async (em, e) => {
      const subjectName = await subjectNameOf(em, dto.subjectType, dto.subjectId);
      const where = await resourceOf(em, dto.scope, resourceId);
      e.clusterId = where.clusterId;
      e.tenantId = where.tenantId;
      e.target = { ...key, subjectName, resourceName: where.name, level: dto.level };
      await assertMayGrant(em, actor.principal, { scope: dto.scope, resourceId, level: dto.level });

      const repo = em.getRepository(Grant);
      let existing = await repo.findOne({ where: key, lock: { mode: 'pessimistic_write' } });
      let created = false;
      if (!existing) {
        try {
          await repo.insert({ ...key, level: dto.level });
          created = true;
        } catch (err) {
          // Granted concurrently: change that grant's level instead.
          if (!isDuplicateKey(err)) throw err;
        }
        existing = await repo.findOneOrFail({ where: key, lock: { mode: 'pessimistic_write' } });
      }
      if (!created) {
        e.action = 'grant.update';
        e.target = { ...e.target, grantId: existing.id, previousLevel: existing.level };
        if (existing.level !== dto.level) await repo.update({ id: existing.id }, { level: dto.level });
        existing.level = dto.level;
      } else {
        e.target = { ...e.target, grantId: existing.id };
      }
      return { grant: toGrantDto(existing, await namesFor(em, [existing])), created };
    });
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await this.changes.run(actor, { action: 'grant.delete', target: { grantId: id } }, async (em, e) => {
      const repo = em.getRepository(Grant);
      const grant = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!grant) throw new AppError('GRANT_NOT_FOUND', `Grant ${id} does not exist`);
      const dto = toGrantDto(grant, await namesFor(em, [grant]));
      e.clusterId = dto.clusterId;
      e.tenantId = grant.scope === 'tenant' ? grant.resourceId : null;
      e.target = {
        grantId: id,
        subjectType: dto.subjectType,
        subjectId: dto.subjectId,
        subjectName: dto.subjectName,
        scope: dto.scope,
        resourceId: dto.resourceId,
        resourceName: dto.resourceName,
        level: dto.level,
      };
      await assertMayGrant(em, actor.principal, grant);
      await repo.delete({ id });
    });
  }
}

async function subjectNameOf(em: EntityManager, type: Grant['subjectType'], id: number): Promise<string> {
  if (type === 'user') {
    const user = await em.getRepository(User).findOne({ where: { id }, select: { id: true, username: true } });
    if (!user) throw new AppError('USER_NOT_FOUND', `User ${id} does not exist`);
    return user.username;
  }
  const role = await em.getRepository(Role).findOne({ where: { id }, select: { id: true, name: true } });
  if (!role) throw new AppError('ROLE_NOT_FOUND', `Role ${id} does not exist`);
  return role.name;
}

/** The granted resource, locked so that it cannot be deleted before the grant commits. */
async function resourceOf(
  em: EntityManager,
  scope: Grant['scope'],
  id: number,
): Promise<{ name: string; clusterId: number | null; tenantId: number | null }> {
  switch (scope) {
    case 'all':
      return { name: '*', clusterId: null, tenantId: null };
    case 'cluster': {
      const c = await em
        .getRepository(Cluster)
        .findOne({ where: { id }, select: { id: true, name: true }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new AppError('CLUSTER_NOT_FOUND', `Cluster ${id} does not exist`);
      return { name: c.name, clusterId: c.id, tenantId: null };
    }
    case 'tenant': {
      const t = await em
        .getRepository(Tenant)
        .findOne({ where: { id }, select: { id: true, name: true, clusterId: true }, lock: { mode: 'pessimistic_write' } });
      if (!t) throw new AppError('TENANT_NOT_FOUND', `Tenant ${id} does not exist`);
      return { name: t.name, clusterId: t.clusterId, tenantId: t.id };
    }
  }
}
