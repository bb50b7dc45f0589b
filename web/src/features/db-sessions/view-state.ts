// The list view's state as the URL holds it, read and written without Vue: the console's first
// script (src/app/boot.ts) reads it to ask for a directly opened page's list early.
import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import type { SessionQuery } from './api';

export type SortOrder = 'asc' | 'desc';
/** the server's sort fields; `activity` = running statements first, then by time */
export const SORT_FIELDS = [
  'activity',
  'time',
  'id',
  'tenant',
  'sql',
  'sqlId',
  'user',
  'source',
  'db',
  'command',
  'state',
  'transaction',
  'server',
  'proxy',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Everything about the list view that lives in the URL, so a view can be shared. */
export interface SessionViewState {
  sessionId: string;
  user: string;
  source: string;
  db: string;
  activeOnly: boolean;
  sortField: SortField;
  sortOrder: SortOrder;
  /** only transactions open at least this many seconds; undefined = no filter */
  minTrx: number | undefined;
  page: number;
  pageSize: number;
  /** auto-refresh interval in seconds, 0 = off */
  refresh: number;
  tenantId: number | undefined;
}

export const PAGE_SIZES = [100, 500, 1000, 5000, 10000];
export const REFRESH_CHOICES = [0, 3, 5, 10, 30];
const DEFAULTS: SessionViewState = {
  sessionId: '',
  user: '',
  source: '',
  db: '',
  activeOnly: false,
  sortField: 'activity',
  sortOrder: 'desc',
  minTrx: undefined,
  page: 1,
  pageSize: 500,
  refresh: 0,
  tenantId: undefined,
};

/** keys this view owns in the URL; other keys (tabs...) are left alone */
export const OWN_KEYS = ['sessionId', 'user', 'source', 'db', 'activeOnly', 'sort', 'page', 'pageSize', 'refresh', 'tenantId', 'minTrx'];

function one(q: LocationQuery, key: string): string {
  const v = q[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
}

function positiveInt(s: string): number | undefined {
  if (!/^\d{1,9}$/.test(s)) return undefined;
  const n = Number(s);
  return n > 0 ? n : undefined;
}

export function parseViewState(q: LocationQuery): SessionViewState {
  const [field, order] = one(q, 'sort').split(':');
  const sortField = (SORT_FIELDS as readonly string[]).includes(field ?? '') ? (field as SortField) : DEFAULTS.sortField;
  const minTrx = one(q, 'minTrx');
  const pageSize = positiveInt(one(q, 'pageSize'));
  const refresh = Number(one(q, 'refresh'));
  return {
    sessionId: /^\d{1,19}$/.test(one(q, 'sessionId').trim()) ? one(q, 'sessionId').trim() : '',
    user: one(q, 'user'),
    source: one(q, 'source'),
    db: one(q, 'db'),
    activeOnly: ['1', 'true'].includes(one(q, 'activeOnly')),
    sortField,
    sortOrder: order === 'asc' ? 'asc' : order === 'desc' ? 'desc' : DEFAULTS.sortOrder,
    minTrx: /^\d{1,8}$/.test(minTrx) ? Number(minTrx) : undefined,
    page: positiveInt(one(q, 'page')) ?? DEFAULTS.page,
    pageSize: pageSize !== undefined && PAGE_SIZES.includes(pageSize) ? pageSize : DEFAULTS.pageSize,
    refresh: REFRESH_CHOICES.includes(refresh) ? refresh : DEFAULTS.refresh,
    tenantId: positiveInt(one(q, 'tenantId')),
  };
}

export function toQuery(s: SessionViewState): LocationQueryRaw {
  const q: LocationQueryRaw = {};
  if (s.sessionId) q.sessionId = s.sessionId;
  if (s.user) q.user = s.user;
  if (s.source) q.source = s.source;
  if (s.db) q.db = s.db;
  if (s.activeOnly) q.activeOnly = '1';
  if (s.sortField !== DEFAULTS.sortField || s.sortOrder !== DEFAULTS.sortOrder) q.sort = `${s.sortField}:${s.sortOrder}`;
  if (s.minTrx !== undefined) q.minTrx = String(s.minTrx);
  if (s.page !== DEFAULTS.page) q.page = String(s.page);
  if (s.pageSize !== DEFAULTS.pageSize) q.pageSize = String(s.pageSize);
  if (s.refresh !== DEFAULTS.refresh) q.refresh = String(s.refresh);
  if (s.tenantId !== undefined) q.tenantId = String(s.tenantId);
  return q;
}

/** The request the view state asks for (everything but the refresh interval). */
export function toSessionQuery(s: SessionViewState): SessionQuery {
  return {
    sessionId: s.sessionId || undefined,
    user: s.user || undefined,
    source: s.source || undefined,
    db: s.db || undefined,
    activeOnly: s.activeOnly,
    sort: `${s.sortField}:${s.sortOrder}`,
    minTransactionSeconds: s.minTrx,
    page: s.page,
    pageSize: s.pageSize,
    tenantId: s.tenantId,
  };
}
