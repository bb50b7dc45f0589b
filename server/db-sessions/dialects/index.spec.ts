import type { Dialect } from '../../tenants/dialect';
import { adapterFor } from './index';
import { MariaDbAdapter } from './mariadb';
import { MySqlAdapter } from './mysql';
import { OceanBaseAdapter } from './oceanbase';
import { TiDbAdapter } from './tidb';

describe('adapterFor', () => {
  it.each([
    ['mariadb', MariaDbAdapter],
    ['mysql', MySqlAdapter],
    ['oceanbase', OceanBaseAdapter],
    ['tidb', TiDbAdapter],
  ] as const)('gives the %s adapter, always the same instance', (dialect: Dialect, type) => {
    const adapter = adapterFor(dialect);
    expect(adapter).toBeInstanceOf(type);
    expect(adapter.dialect).toBe(dialect);
    expect(adapterFor(dialect)).toBe(adapter);
  });

  it('refuses an unknown dialect', () => {
    expect(() => adapterFor('postgres' as Dialect)).toThrow(/No dialect adapter/);
  });
});
