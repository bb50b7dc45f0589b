import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Grant } from '../access/grant.entity';
import { levelOn } from '../access/permissions';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import { RedisService } from '../common/redis.service';
import { RegistryVersion } from '../common/redis-version';
import { tenantOfRequest } from '../common/request-context';
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
    private readonly redis: RedisService,
    private readonly registry: RegistryVersion,
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

  /**
   * The tenant as this request's access check already read it, else read now. For handlers that
   * only read the tenant (session lists, details, kills): one metadata query per request, not two.
   */
  async findForRequest(id: number): Promise<Tenant> {
    return tenantOfRequest(id) ?? this.find(id);
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
    const test = await this.probe.probe({ ...dto, passwordTyped: true });
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
    const fail = async (err: unknown, where: { clusterId?: number | null; tenantId?: number | null } = {}): Promise<never> => {
      const e = err instanceof AppError ? err : null;
      await this.audit.record({
        actor: p,
        ip,
        action: 'tenant.update',
        result: e?.status === 404 ? 'not_found' : 'failed',
        errorCode: e?.code ?? 'INTERNAL',
        clusterId: where.clusterId ?? null,
        tenantId: where.tenantId ?? id,
        message: e?.message ?? null,
      });
      throw err;
    };
    const t = await this.find(id).catch((err: unknown) => fail(err, { tenantId: null }));
    const where = { clusterId: t.clusterId, tenantId: t.id };
    const cluster = await this.requireCluster(dto.clusterId ?? t.clusterId).catch((err: unknown) => fail(err, where));
    const { password, ...rest } = dto;
    const typed = password !== undefined && password !== '';
    const changed = changedFields(t, rest);
    // The stored password never goes to an endpoint it was not registered for.
    const moved = ENDPOINT_FIELDS.filter((f) => f in changed);
    if (moved.length && !typed) {
      await fail(
        new AppError('TENANT_PASSWORD_REQUIRED', `Changing ${moved.join(', ')} needs the password entered again`, {
          fields: moved.map((field) => ({ field, problems: ['changing it needs the password entered again'] })),
        }),
        where,
      );
    }
    if (typed) changed.password = { from: 'unchanged', to: 'changed' };
    Object.assign(t, rest);
    if (typed) t.passwordEnc = this.vault.seal(password);
    const test = await this.probe.probe({
      name: t.name,
      host: t.host,
      port: t.port,
      username: t.username,
      password: typed ? password : this.vault.open(t.passwordEnc),
      passwordTyped: typed,
    });
    this.applyProbe(t, test);
    try {
      await this.registry.around(() => this.tenants.save(t));
    } catch (err) {
      if (isDuplicate(err)) await fail(new AppError('NAME_TAKEN', `Cluster ${cluster.name} already has a tenant named ${t.name}`), where);
      await fail(err, where);
    }
    this.pools.close(t.id);
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.update',
      result: 'ok',
      clusterId: t.clusterId,
      tenantId: t.id,
      target: { name: t.name, changed },
    });
    return { tenant: this.toDto(t, cluster.name, p), test };
  }

  async remove(id: number, p: Principal, ip: string): Promise<void> {
    const t = await this.find(id).catch(async (err: unknown) => {
      await this.audit.record({
        actor: p,
        ip,
        action: 'tenant.delete',
        result: 'not_found',
        errorCode: 'TENANT_NOT_FOUND',
        tenantId: null,
      });
      throw err;
    });
    await this.registry.around(() =>
      this.ds.transaction(async (m) => {
        await m.getRepository(Grant).delete({ scope: 'tenant', resourceId: id });
        await m.getRepository(Tenant).delete({ id });
      }),
    );
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

  /** Test connection of a registered tenant (stored password); the result also becomes its health. Audited. */
  async test(id: number, p: Principal, ip: string): Promise<ProbeResult> {
    const t = await this.find(id).catch(async (err: unknown) => {
      await this.audit.record({ actor: p, ip, action: 'tenant.test', result: 'not_found', errorCode: 'TENANT_NOT_FOUND', tenantId: null });
      throw err;
    });
    const r = await this.probe.probe({
      name: t.name,
      host: t.host,
      port: t.port,
      username: t.username,
      password: this.vault.open(t.passwordEnc),
      passwordTyped: false,
    });
    this.applyProbe(t, r);
    await this.registry.around(() =>
      this.tenants.update(
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
      ),
    );
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.test',
      result: r.ok ? 'ok' : 'failed',
      errorCode: r.error?.code ?? null,
      clusterId: t.clusterId,
      tenantId: t.id,
      target: { name: t.name, host: `${t.host}:${t.port}` },
    });
    return r;
  }

  /**
   * Test connection of an unsaved tenant: it reaches any address the caller names, so it is
   * audited and limited per user (TEST_LIMIT in a window of a minute).
   */
  async testUnsaved(dto: TenantConnectionDto, p: Principal, ip: string): Promise<ProbeResult> {
    const target = { name: dto.name, host: `${dto.host}:${dto.port}`, user: dto.username };
    const count = await this.redis.run(async (r) => {
      const key = this.redis.key('tenant-test', p.userId);
      const [[, n]] = (await r.multi().incr(key).expire(key, 60, 'NX').exec()) as [[null, number], unknown];
      return n;
    });
    if (count > TEST_LIMIT) {
      await this.audit.record({ actor: p, ip, action: 'tenant.test', result: 'denied', errorCode: 'TOO_MANY_REQUESTS', target });
      throw new AppError('TOO_MANY_REQUESTS', `At most ${TEST_LIMIT} connection tests per minute; try again shortly`, {
        retryAfterSeconds: 60,
      });
    }
    const r = await this.probe.probe({ ...dto, passwordTyped: true });
    await this.audit.record({
      actor: p,
      ip,
      action: 'tenant.test',
      result: r.ok ? 'ok' : 'failed',
      errorCode: r.error?.code ?? null,
      target,
    });
    return r;
  }
}

/** Connection tests of unsaved tenants per user and minute. */
export const TEST_LIMIT = 20;

/** Fields that say where the stored password goes. */
const ENDPOINT_FIELDS = ['host', 'port', 'username', 'proxyAddress', 'directServers'] as const;

/** Fields of an update that differ from the stored tenant, old → new. */
function changedFields(t: Tenant, dto: Omit<UpdateTenantDto, 'password'>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, v] of Object.entries(dto) as [keyof typeof dto, unknown][]) {
    if (v === undefined) continue;
    const before = t[k as keyof Tenant] as unknown;
    if (JSON.stringify(before ?? null) !== JSON.stringify(v ?? null)) out[k] = { from: before ?? null, to: v ?? null };
  }
  return out;
}
