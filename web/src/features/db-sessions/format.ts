import { formatDateTime } from '@/app/format';
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

/** 2614.5 → "43m 34s"; 90061 → "1d 1h 1m"; under a minute keeps one decimal ("12.5s"). */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 60) return `${Math.floor(seconds * 10) / 10}s`;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  return `${m}m ${sec}s`;
}

/** The browser's offset as "UTC+8" / "UTC-3:30" / "UTC". */
export function zoneLabel(d: Date = new Date()): string {
  const off = -d.getTimezoneOffset();
  if (off === 0) return 'UTC';
  const sign = off > 0 ? '+' : '-';
  const a = Math.abs(off);
  return `UTC${sign}${Math.floor(a / 60)}${a % 60 ? `:${String(a % 60).padStart(2, '0')}` : ''}`;
}

/** hh:mm:ss with the time zone named. */
export function formatClockTz(iso: string | null): string {
  const c = formatClock(iso);
  return c ? `${c} (${zoneLabel(new Date(iso!))})` : '';
}

/** yyyy-mm-dd hh:mm:ss with the time zone named. */
export function formatDateTimeTz(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${formatDateTime(d)} (${zoneLabel(d)})`;
}

/** Bytes as "1.5 MiB". */
export function humanBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
