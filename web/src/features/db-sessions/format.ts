import type { Dialect } from './api';

export type DialectFamily = 'oceanbase' | 'tidb' | 'other';

/** OceanBase and TiDB name their servers (OBServer, TiDB instance) and proxies their own way. */
export function dialectFamily(dialect: Dialect | undefined): DialectFamily {
  if (dialect === 'oceanbase' || dialect === 'tidb') return dialect;
  return 'other';
}

export const DIALECT_NAMES: Record<Dialect, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  oceanbase: 'OceanBase',
  tidb: 'TiDB',
  unknown: '-',
};

export function dialectWithVersion(dialect: Dialect, version: string): string {
  const name = DIALECT_NAMES[dialect];
  return version ? `${name} ${version}` : name;
}

export function formatClock(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function isIdleInTransaction(transactionState: string | null): boolean {
  return transactionState === 'IDLE_IN_TRANSACTION';
}

/** Copies text to the clipboard; falls back to a hidden textarea where the Clipboard API is missing. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  area.setSelectionRange(0, text.length);
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(area);
  return ok;
}
