import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Grant } from '../access/grant.entity';
import { levelOn } from '../access/permissions';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import { paginate, type Page } from '../common/pagination';
import { Cluster } from './cluster.entity';
import { isDuplicate, managesTenants } from './clusters.service';
import { CredentialVault } from './credential-vault';
import { TenantPools } from './tenant-pools';
import { ProbeResult, TenantProbe } from './tenant-probe';
import { Tenant } from './tenant.entity';
import type { CreateTenantDto, TenantConnectionDto, TenantDto, TenantSavedDto, UpdateTenantDto } from './tenants.dto';

@Injectable()
export class TenantsService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(Cluster) private readonly clusters: Repository<Cluster>,
    private readonly vault: CredentialVault,
    private readonly probe: TenantProbe,
    private readonly pools: TenantPools,
    private readonly audit: AuditService,
  ) {}

  toDto(t: Tenant, clusterName: string, p: Principal): TenantDto {
    return {
      id: t.id,
      clusterId: t.clusterId,
      clusterName,
      name: t.name,
      host: t.host,
      port: t.port,
      username: t.username,
      hasPassword: t.passwordEnc !== '',
      proxyAddress: t.proxyAddress,
      directServers: t.directServers,
      dialect: t.dialect,
      version: t.version,
      capabilities: t.capabilities,
      health: {
        status: t.healthStatus,
        latencyMs: t.healthLatencyMs,
        error: t.healthError,
        checkedAt: t.healthCheckedAt ? t.healthCheckedAt.toISOString() : null,
      },
      level: levelOn(p, t.clusterId, t.id),
      createdAt: t.createdAt.toISOString(),
    };
  }

  private async clusterNames(): Promise<Map<number, string>> {
    const all = await this.clusters.find({ select: { id: true, name: true } });
    return new Map(all.map((c) => [c.id, c.name]));
  }

  /** Tenants the caller may read (every tenant for tenant administrators). */
  async visible(p: Principal, clusterId?: number): Promise<Tenant[]> {
    const all = await this.tenants.find({ where: clusterId ? { clusterId } : {}, order: { clusterId: 'ASC', name: 'ASC' } });
    return managesTenants(p) ? all : all.filter((t) => levelOn(p, t.clusterId, t.id) !== null);
  }

  async list(p: Principal, page: number, pageSize: number, clusterId?: number): Promise<Page<TenantDto>> {
    const [tenants, names] = await Promise.all([this.visible(p, clusterId), this.clusterNames()]);
    return paginate(
      tenants.map((t) => this.toDto(t, names.get(t.clusterId) ?? '', p)),
      page,
      pageSize,
    );
  }

  async find(id: number): Promise<Tenant> {
    const t = await this.tenants.findOneBy({ id });
    if (!t) throw new AppError('TENANT_NOT_FOUND', `Tenant ${id} does not exist`);
    return t;
  }

  async get(id: number, p: Principal): Promise<TenantDto> {
    const t = await this.find(id);
    const c = await this.clusters.findOneBy({ id: t.clusterId });
    return this.toDto(t, c?.name ?? '', p);
  }

  private async requireCluster(id: number): Promise<Cluster> {
    const c = await this.clusters.findOneBy({ id });
    if (!c) throw new AppError('CLUSTER_NOT_FOUND', `Cluster ${id} does not exist`);
    return c;
  }

  /** Stores what a probe found: dialect, version, capabilities and health. */
  private applyProbe(t: Tenant, r: ProbeResult): void {
    if (r.ok) {
      t.dialect = r.dialect ?? 'unknown';
      t.version = r.version ?? '';
      t.capabilities = r.capabilities;
    }
    t.healthStatus = r.ok ? 'up' : 'down';
    t.healthLatencyMs = r.latencyMs;
    t.healthError = r.error ? r.error.message.slice(0, 1024) : null;
    t.healthCheckedAt = new Date();
  }

  async create(dto: CreateTenantDto, p: Principal, ip: string): Promise<TenantSavedDto> {
    const cluster = await this.requireCluster(dto.clusterId).catch(async (err: unknown) => {
      await this.audit.record({
        actor: p,
        ip,
        action: 'tenant.create',
        result: 'not_found',
        errorCode: 'CLUSTER_NOT_FOUND',
        clusterId: dto.clusterId,
      });
      throw err;
    });
    const test = await this.probe.probe(dto);
    const t = this.tenants.create({
      clusterId: dto.clusterId,
      name: dto.name,
      host: dto.host,
      port: dto.port,
      username: dto.username,
      passwordEnc: this.vault.seal(dto.password),
      proxyAddress: dto.proxyAddress ?? null,
      directServers: dto.directServers ?? [],
    });
    this.applyProbe(t, test);
    try {
      await this.tenants.save(t);
    } catch (err) {
      if (isDuplicate(err)) {
        await this.audit.record({
          actor: p,
          ip,
          action: 'tenant.create',
          result: 'failed',
          errorCode: 'NAME_TAKEN',
          clusterId: dto.clusterId,
        });
        throw new AppError('NAME_TAKEN', `Cluster ${cluster.name} already has a tenant named ${dto.name}`);
      }
      throw err;
    }
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.create',
      result: 'ok',
      clusterId: t.clusterId,
      tenantId: t.id,
      target: { name: t.name, host: `${t.host}:${t.port}`, user: t.username },
    });
    return { tenant: this.toDto(t, cluster.name, p), test };
  }

  async update(id: number, dto: UpdateTenantDto, p: Principal, ip: string): Promise<TenantSavedDto> {
    const t = await this.find(id);
    const cluster = await this.requireCluster(dto.clusterId ?? t.clusterId);
    const { password, ...rest } = dto;
    Object.assign(t, rest);
    if (password !== undefined && password !== '') t.passwordEnc = this.vault.seal(password);
    const test = await this.probe.probe({
      name: t.name,
      host: t.host,
      port: t.port,
      username: t.username,
      password: this.vault.open(t.passwordEnc),
    });
    this.applyProbe(t, test);
    try {
      await this.tenants.save(t);
    } catch (err) {
      if (isDuplicate(err)) throw new AppError('NAME_TAKEN', `Cluster ${cluster.name} already has a tenant named ${t.name}`);
      throw err;
    }
    this.pools.close(t.id);
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.update',
      result: 'ok',
      clusterId: t.clusterId,
      tenantId: t.id,
      target: { name: t.name },
    });
    return { tenant: this.toDto(t, cluster.name, p), test };
  }

  async remove(id: number, p: Principal, ip: string): Promise<void> {
    const t = await this.find(id);
    await this.ds.transaction(async (m) => {
      await m.getRepository(Grant).delete({ scope: 'tenant', resourceId: id });
      await m.getRepository(Tenant).delete({ id });
    });
    this.pools.close(id);
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.delete',
      result: 'ok',
      clusterId: t.clusterId,
      tenantId: id,
      target: { name: t.name },
    });
  }

  /** Test connection of a registered tenant; the result also becomes its health. */
  async test(id: number): Promise<ProbeResult> {
    const t = await this.find(id);
    const r = await this.probe.probe({
      name: t.name,
      host: t.host,
      port: t.port,
      username: t.username,
      password: this.vault.open(t.passwordEnc),
    });
    this.applyProbe(t, r);
    await this.tenants.update(
      { id },
      {
        dialect: t.dialect,
        version: t.version,
        capabilities: t.capabilities,
        healthStatus: t.healthStatus,
        healthLatencyMs: t.healthLatencyMs,
        healthError: t.healthError,
        healthCheckedAt: t.healthCheckedAt,
      },
    );
    return r;
  }

  testUnsaved(dto: TenantConnectionDto): Promise<ProbeResult> {
    return this.probe.probe(dto);
  }
}
