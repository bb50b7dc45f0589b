import type { Dialect } from '../../tenants/dialect';
import type { DialectAdapter } from './dialect-adapter';
import { MariaDbAdapter } from './mariadb';
import { MySqlAdapter } from './mysql';
import { OceanBaseAdapter } from './oceanbase';
import { TiDbAdapter } from './tidb';

export type { DialectAdapter, KillScope, SessionRow } from './dialect-adapter';
export { fingerprint, normalizeSql } from './fingerprint';

const ADAPTERS: { readonly [D in Dialect]: DialectAdapter } = {
  mariadb: new MariaDbAdapter(),
  mysql: new MySqlAdapter(),
  oceanbase: new OceanBaseAdapter(),
  tidb: new TiDbAdapter(),
};

/** The adapter of a dialect; adapters are stateless and shared. */
export function adapterFor(dialect: Dialect): DialectAdapter {
  const adapter = ADAPTERS[dialect];
  if (!adapter) throw new Error(`No dialect adapter for ${String(dialect)}`);
  return adapter;
}
