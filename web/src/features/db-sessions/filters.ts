import type { ClusterTenantRef } from './api';
import type { SessionViewState } from './view-state';

type Translate = (key: string, named?: Record<string, unknown>) => string;

export interface FilterChip {
  key: 'sessionId' | 'user' | 'source' | 'db' | 'activeOnly' | 'tenantId' | 'minTrx';
  label: string;
  /** the patch removing this filter */
  clear: Partial<SessionViewState>;
}

/** removes every filter (sorting, page size and refresh stay) */
export const CLEAR_ALL: Partial<SessionViewState> = {
  sessionId: '',
  user: '',
  source: '',
  db: '',
  activeOnly: false,
  tenantId: undefined,
  minTrx: undefined,
};

/** The filters in effect, as chips and as words for an empty result. */
export function activeFilters(s: SessionViewState, t: Translate, tenants?: readonly ClusterTenantRef[] | null): FilterChip[] {
  const chips: FilterChip[] = [];
  if (s.sessionId) chips.push({ key: 'sessionId', label: t('dbSessions.filters.sessionId', { v: s.sessionId }), clear: { sessionId: '' } });
  if (s.tenantId !== undefined) {
    const name = tenants?.find((tn) => tn.id === s.tenantId)?.name ?? String(s.tenantId);
    chips.push({ key: 'tenantId', label: t('dbSessions.filters.tenantId', { v: name }), clear: { tenantId: undefined } });
  }
  if (s.user) chips.push({ key: 'user', label: t('dbSessions.filters.user', { v: s.user }), clear: { user: '' } });
  if (s.source) chips.push({ key: 'source', label: t('dbSessions.filters.source', { v: s.source }), clear: { source: '' } });
  if (s.db) chips.push({ key: 'db', label: t('dbSessions.filters.db', { v: s.db }), clear: { db: '' } });
  if (s.minTrx !== undefined)
    chips.push({ key: 'minTrx', label: t('dbSessions.filters.minTrx', { v: s.minTrx }), clear: { minTrx: undefined } });
  if (s.activeOnly) chips.push({ key: 'activeOnly', label: t('dbSessions.filters.activeOnly'), clear: { activeOnly: false } });
  return chips;
}
