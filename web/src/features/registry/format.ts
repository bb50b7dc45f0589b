import type { TenantDialect } from './api';

const DIALECT_LABELS: Record<TenantDialect, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  oceanbase: 'OceanBase',
  tidb: 'TiDB',
  unknown: '',
};

function isDialect(value: string): value is TenantDialect {
  return Object.hasOwn(DIALECT_LABELS, value);
}

/** Product name of a dialect; empty for `unknown` or nothing detected (the caller shows its own word). */
export function dialectLabel(dialect: string | null | undefined): string {
  return dialect && isDialect(dialect) ? DIALECT_LABELS[dialect] : '';
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
