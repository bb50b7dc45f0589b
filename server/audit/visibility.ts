import type { Principal } from '../access/principal';
import type { AuditFilter } from './audit.service';

/**
 * Which audit rows a caller may read. Administrators and holders of an all-clusters grant read
 * every row; anyone else reads the rows about no cluster or tenant (sign-ins, administration)
 * and those about the clusters and tenants they hold a grant on.
 */
export function auditVisibility(p: Pick<Principal, 'allAccess' | 'grants'>): AuditFilter['visible'] {
  if (p.allAccess || p.grants.some((g) => g.scope === 'all')) return undefined;
  const clusterIds = p.grants.filter((g) => g.scope === 'cluster').map((g) => g.resourceId);
  const tenantIds = p.grants.filter((g) => g.scope === 'tenant').map((g) => g.resourceId);
  return { clusterIds, tenantIds };
}
