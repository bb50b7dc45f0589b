import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { api, withQuery } from '@/api/http';
import type { AuditDto, AuditPageDto } from '@/api/schema';

export type { AuditDto };
export type AuditResult = AuditDto['result'];
export const AUDIT_RESULTS: readonly AuditResult[] = ['ok', 'denied', 'not_found', 'failed'];

export { KNOWN_ACTIONS } from './actions';

export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  tenantId?: number;
  /** part of a tenant's name */
  tenant?: string;
  /** part of a cluster's name */
  cluster?: string;
  result?: AuditResult;
}

export const auditApi = {
  list: (filters: AuditFilters, page: number, pageSize: number) => api.get<AuditPageDto>('/api/audit', { ...filters, page, pageSize }),
  exportUrl: (filters: AuditFilters) => withQuery('/api/audit/export.csv', { ...filters }),
};

type QueryValue = LocationQuery[string] | undefined;

function text(value: QueryValue): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function positiveInt(value: QueryValue): number | undefined {
  const n = Number(text(value));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function instant(value: QueryValue): string | undefined {
  const v = text(value);
  return v !== undefined && !Number.isNaN(Date.parse(v)) ? v : undefined;
}

/** The audit view's state lives in the URL so that a view can be shared. */
export interface AuditView {
  filters: AuditFilters;
  page: number;
  pageSize: number;
}

export function viewFromQuery(q: LocationQuery): AuditView {
  const result = text(q.result);
  return {
    filters: {
      from: instant(q.from),
      to: instant(q.to),
      actor: text(q.actor),
      action: text(q.action),
      tenantId: positiveInt(q.tenantId),
      tenant: text(q.tenant),
      cluster: text(q.cluster),
      result: AUDIT_RESULTS.find((r) => r === result),
    },
    page: positiveInt(q.page) ?? 1,
    pageSize: positiveInt(q.pageSize) ?? 20,
  };
}

export function viewToQuery(view: AuditView): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  for (const [key, value] of Object.entries(view.filters)) if (value !== undefined && value !== '') query[key] = String(value);
  if (view.page !== 1) query.page = String(view.page);
  if (view.pageSize !== 20) query.pageSize = String(view.pageSize);
  return query;
}
