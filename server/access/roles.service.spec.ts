import { editionMenus } from './roles.service';

describe('editionMenus', () => {
  it('offers every menu in the enterprise edition', () => {
    expect(editionMenus('enterprise')).toEqual([
      'diagnosis.sessions',
      'tenant.sessions',
      'relay.sessions',
      'audit.read',
      'admin.users',
      'admin.tenants',
    ]);
  });

  it('has no Autonomous service (cluster-level diagnosis) in the community edition', () => {
    expect(editionMenus('community')).toEqual(['tenant.sessions', 'relay.sessions', 'audit.read', 'admin.users', 'admin.tenants']);
  });
});
