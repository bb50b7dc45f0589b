import { levelOn, satisfies, seesCluster } from './permissions';

const p = (over: Partial<Parameters<typeof levelOn>[0]>) => ({ allAccess: false, readOnly: false, grants: [], ...over });

describe('levelOn', () => {
  it('gives administrators operate everywhere', () => {
    expect(levelOn(p({ allAccess: true }), 1, 2)).toBe('operate');
  });

  it('lets a cluster grant cover its tenants but not other clusters', () => {
    const s = p({ grants: [{ scope: 'cluster', resourceId: 1, level: 'operate' }] });
    expect(levelOn(s, 1, 10)).toBe('operate');
    expect(levelOn(s, 2, 20)).toBeNull();
  });

  it('takes the strongest covering grant', () => {
    const s = p({
      grants: [
        { scope: 'cluster', resourceId: 1, level: 'read_only' },
        { scope: 'tenant', resourceId: 10, level: 'operate' },
      ],
    });
    expect(levelOn(s, 1, 10)).toBe('operate');
    expect(levelOn(s, 1, 11)).toBe('read_only');
  });

  it('does not let a tenant grant reach the cluster itself or a sibling', () => {
    const s = p({ grants: [{ scope: 'tenant', resourceId: 10, level: 'operate' }] });
    expect(levelOn(s, 1)).toBeNull();
    expect(levelOn(s, 1, 11)).toBeNull();
    expect(seesCluster(s, 1, [10, 11])).toBe(true);
    expect(seesCluster(s, 1, [11])).toBe(false);
  });

  it('caps read-only roles (auditors) whatever the grants say', () => {
    const s = p({ readOnly: true, grants: [{ scope: 'all', resourceId: 0, level: 'operate' }] });
    expect(levelOn(s, 1, 10)).toBe('read_only');
    expect(satisfies(levelOn(s, 1, 10), 'operate')).toBe(false);
    expect(satisfies(levelOn(s, 1, 10), 'read_only')).toBe(true);
  });
});
