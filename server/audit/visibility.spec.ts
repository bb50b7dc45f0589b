import { auditVisibility } from './visibility';

describe('auditVisibility', () => {
  it('lets administrators and all-clusters grants read every row', () => {
    expect(auditVisibility({ allAccess: true, grants: [] })).toBeUndefined();
    expect(auditVisibility({ allAccess: false, grants: [{ scope: 'all', resourceId: 0, level: 'read_only' }] })).toBeUndefined();
  });

  it('limits everyone else to the clusters and tenants they hold grants on', () => {
    expect(
      auditVisibility({
        allAccess: false,
        grants: [
          { scope: 'cluster', resourceId: 3, level: 'read_only' },
          { scope: 'tenant', resourceId: 7, level: 'operate' },
        ],
      }),
    ).toEqual({ clusterIds: [3], tenantIds: [7] });
    expect(auditVisibility({ allAccess: false, grants: [] })).toEqual({ clusterIds: [], tenantIds: [] });
  });
});
