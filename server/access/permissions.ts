import type { GrantLevel } from './grant.entity';
import type { Principal } from './principal';

type Subject = Pick<Principal, 'allAccess' | 'readOnly' | 'grants'>;

const RANK: Record<GrantLevel, number> = { read_only: 1, operate: 2 };

/**
 * The caller's level on a tenant (with its cluster) or on a cluster (tenantId omitted):
 * the strongest of their grants that cover it; a cluster grant covers its tenants.
 */
export function levelOn(p: Subject, clusterId: number, tenantId?: number): GrantLevel | null {
  let best: GrantLevel | null = p.allAccess ? 'operate' : null;
  for (const g of p.grants) {
    const covers =
      g.scope === 'all' ||
      (g.scope === 'cluster' && g.resourceId === clusterId) ||
      (g.scope === 'tenant' && tenantId !== undefined && g.resourceId === tenantId);
    if (covers && (best === null || RANK[g.level] > RANK[best])) best = g.level;
  }
  if (best !== null && p.readOnly && !p.allAccess) return 'read_only';
  return best;
}

export function satisfies(have: GrantLevel | null, need: GrantLevel): boolean {
  return have !== null && RANK[have] >= RANK[need];
}

/** Whether a cluster-level listing may include this cluster: a grant on it or on any of its tenants. */
export function seesCluster(p: Subject, clusterId: number, tenantIds: number[]): boolean {
  if (levelOn(p, clusterId) !== null) return true;
  return tenantIds.some((t) => levelOn(p, clusterId, t) !== null);
}
