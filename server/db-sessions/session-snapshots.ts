import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { TenantPools } from '../tenants/tenant-pools';
import type { Tenant } from '../tenants/tenant.entity';
import { adapterFor, type DialectAdapter, type SessionRow } from './dialects';

export interface Snapshot {
  rows: SessionRow[];
  fetchedAt: Date;
}

interface Slot {
  promise: Promise<Snapshot>;
  /** when the result arrived; undefined while in flight */
  doneAt?: number;
}

export function adapterOf(t: Tenant): DialectAdapter {
  if (t.dialect === 'unknown' || !t.capabilities) {
    throw new AppError('TENANT_UNREACHABLE', `Tenant ${t.name} has not been reached yet; test its connection first`);
  }
  return adapterFor(t.dialect);
}

/**
 * The processlist of each tenant, read at most once per SESSION_LIST_CACHE_MS: identical requests
 * arriving while a read is in flight share it, and a result is reused until it is that old. So
 * fifty people watching one tenant cost one processlist query per second, not fifty.
 */
@Injectable()
export class SessionSnapshots {
  private readonly slots = new Map<number, Slot>();
  /** processlist queries actually issued, per tenant (for the load discipline's tests and metrics) */
  readonly issued = new Map<number, number>();

  constructor(
    private readonly pools: TenantPools,
    private readonly config: AppConfig,
  ) {}

  get(t: Tenant): Promise<Snapshot> {
    const slot = this.slots.get(t.id);
    if (slot && (slot.doneAt === undefined || Date.now() - slot.doneAt < this.config.sessionListCacheMs)) return slot.promise;
    const fresh: Slot = { promise: this.read(t) };
    this.slots.set(t.id, fresh);
    fresh.promise.then(
      () => {
        fresh.doneAt = Date.now();
      },
      () => {
        // failures are not cached: the next request tries again (the pool's breaker bounds it)
        if (this.slots.get(t.id) === fresh) this.slots.delete(t.id);
      },
    );
    return fresh.promise;
  }

  /** Forgets a tenant's cached result, e.g. after a kill. */
  invalidate(tenantId: number): void {
    const slot = this.slots.get(tenantId);
    if (slot?.doneAt !== undefined) this.slots.delete(tenantId);
  }

  private async read(t: Tenant): Promise<Snapshot> {
    const adapter = adapterOf(t);
    this.issued.set(t.id, (this.issued.get(t.id) ?? 0) + 1);
    const raw = await this.pools.query<Record<string, unknown>>(t, adapter.listSql(t.capabilities!));
    const fallbackServer = `${t.host}:${t.port}`;
    const rows = raw.map((r) => {
      const row = adapter.mapRow(r, t.id);
      if (row.server === null) row.server = fallbackServer;
      return row;
    });
    return { rows, fetchedAt: new Date() };
  }
}
