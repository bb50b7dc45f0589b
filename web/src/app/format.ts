const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A timestamp as `YYYY-MM-DD HH:mm:ss` in the browser's time zone, built from the date's fields: a
 * page's first Intl.DateTimeFormat costs tens of milliseconds (its locale data is loaded then).
 */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
