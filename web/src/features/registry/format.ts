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

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local time as `YYYY-MM-DD HH:mm:ss`. */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
