import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { Grant } from '../access/grant.entity';
import { levelOn, seesCluster } from '../access/permissions';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import { Cluster } from './cluster.entity';
import { CredentialVault } from './credential-vault';
import { Tenant } from './tenant.entity';
import type { ClusterDto, CreateClusterDto, UpdateClusterDto } from './tenants.dto';

export function isDuplicate(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { errno?: number }).errno === 1062;
}

/** Tenant administrators see every cluster and tenant; everyone else what their grants cover. */
export function managesTenants(p: Principal): boolean {
  return p.allAccess || p.menus.includes('admin.tenants');
}

@Injectable()
export class ClustersService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Cluster) private readonly clusters: Repository<Cluster>,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
  ) {}

  toDto(c: Cluster, tenantCount: number, p: Principal): ClusterDto {
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      description: c.description,
      sysHost: c.sysHost,
      sysPort: c.sysPort,
      sysUser: c.sysUser,
      hasSysPassword: c.sysPasswordEnc !== null,
      tenantCount,
      level: levelOn(p, c.id),
      createdAt: c.createdAt.toISOString(),
    };
  }

  async list(p: Principal): Promise<ClusterDto[]> {
    const [clusters, tenants] = await Promise.all([
      this.clusters.find({ order: { name: 'ASC' } }),
      this.tenants.find({ select: { id: true, clusterId: true } }),
    ]);
    const byCluster = new Map<number, number[]>();
    for (const t of tenants) byCluster.set(t.clusterId, [...(byCluster.get(t.clusterId) ?? []), t.id]);
    return clusters
      .filter((c) => managesTenants(p) || seesCluster(p, c.id, byCluster.get(c.id) ?? []))
      .map((c) => this.toDto(c, byCluster.get(c.id)?.length ?? 0, p));
  }

  async get(id: number, p: Principal): Promise<ClusterDto> {
    const c = await this.find(id);
    return this.toDto(c, await this.tenants.countBy({ clusterId: id }), p);
  }

  async find(id: number): Promise<Cluster> {
    const c = await this.clusters.findOneBy({ id });
    if (!c) throw new AppError('CLUSTER_NOT_FOUND', `Cluster ${id} does not exist`);
    return c;
  }

  async create(dto: CreateClusterDto, p: Principal, ip: string): Promise<ClusterDto> {
    const entity = this.clusters.create({
      name: dto.name,
      kind: dto.kind,
      description: dto.description ?? '',
      sysHost: dto.sysHost ?? null,
      sysPort: dto.sysPort ?? null,
      sysUser: dto.sysUser ?? null,
      sysPasswordEnc: dto.sysPassword ? this.vault.seal(dto.sysPassword) : null,
    });
    try {
      await this.clusters.save(entity);
    } catch (err) {
      if (isDuplicate(err)) {
        await this.audit.record({
          actor: p,
          ip,
          action: 'cluster.create',
          result: 'failed',
          errorCode: 'NAME_TAKEN',
          target: { name: dto.name },
        });
        throw new AppError('NAME_TAKEN', `A cluster named ${dto.name} already exists`);
      }
      throw err;
    }
    await this.audit.record({ actor: p, ip, action: 'cluster.create', result: 'ok', clusterId: entity.id, target: { name: dto.name } });
    return this.toDto(entity, 0, p);
  }

  async update(id: number, dto: UpdateClusterDto, p: Principal, ip: string): Promise<ClusterDto> {
    const c = await this.find(id);
    const { sysPassword, ...rest } = dto;
    Object.assign(c, rest);
    if (sysPassword !== undefined) c.sysPasswordEnc = sysPassword === '' || sysPassword === null ? null : this.vault.seal(sysPassword);
    try {
      await this.clusters.save(c);
    } catch (err) {
      if (isDuplicate(err)) throw new AppError('NAME_TAKEN', `A cluster named ${dto.name ?? ''} already exists`);
      throw err;
    }
    await this.audit.record({ actor: p, ip, action: 'cluster.update', result: 'ok', clusterId: id, target: { name: c.name } });
    return this.get(id, p);
  }

  async remove(id: number, p: Principal, ip: string): Promise<void> {
    const c = await this.find(id);
    await this.ds
      .transaction(async (m) => {
        const count = await m.getRepository(Tenant).countBy({ clusterId: id });
        if (count > 0) {
          throw new AppError('CLUSTER_NOT_EMPTY', `Cluster ${c.name} still has ${count} tenant(s); delete or move them first`, {
            tenantCount: count,
          });
        }
        await m.getRepository(Grant).delete({ scope: 'cluster', resourceId: id });
        await m.getRepository(Cluster).delete({ id });
      })
      .catch(async (err: unknown) => {
        if (err instanceof AppError) {
          await this.audit.record({ actor: p, ip, action: 'cluster.delete', result: 'failed', errorCode: err.code, clusterId: id });
        }
        throw err;
      });
    await this.audit.record({ actor: p, ip, action: 'cluster.delete', result: 'ok', clusterId: id, target: { name: c.name } });
  }
}
