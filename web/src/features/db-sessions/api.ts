import { api, prefetch } from '@/api/http';
import type {
  CapabilitiesDto,
  ClusterDto,
  ClusterSessionPageDto,
  ClusterTenantRefDto,
  KillResponseDto,
  KillResultDto,
  SessionPageDto,
  SessionRowDto,
  TenantDto,
  TenantErrorDto,
  TenantHealthDto,
  TestResultDto,
  TraceConfigDto,
  TraceStateDto,
} from '@/api/schema';

/** The server's own types (generated from its OpenAPI document), under the names this feature uses. */
export type { ClusterDto, TenantDto };
export type Dialect = TenantDto['dialect'];
export type AccessLevel = NonNullable<TenantDto['level']>;
export type HealthStatus = TenantHealthDto['status'];
export type TenantCapabilities = CapabilitiesDto;
export type TenantHealth = TenantHealthDto;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** One tenant session, the same shape for every dialect. */
export type SessionRow = SessionRowDto;
export type SessionListResponse = SessionPageDto;
export type ClusterSessionError = TenantErrorDto;
export type ClusterTenantRef = ClusterTenantRefDto;
export type ClusterSessionListResponse = Omit<ClusterSessionPageDto, 'items'> & { items: (SessionRow & { tenantName: string })[] };

export type KillScope = 'session' | 'query';
/** the server takes at most this many ids per kill request */
export const MAX_KILL_BATCH = 500;
export type KillOutcome = KillResultDto['outcome'];
export type KillResult = KillResultDto;
export type KillResponse = KillResponseDto;

export type TraceRecordPolicy = TraceConfigDto['recordPolicy'];
export type TraceSettings = TraceConfigDto;
/** the session's trace state; the settings are null while tracing is off */
export type TraceState = TraceStateDto;

export interface SessionQuery {
  sessionId?: string;
  user?: string;
  source?: string;
  db?: string;
  activeOnly?: boolean;
  sort?: string;
  page?: number;
  pageSize?: number;
  tenantId?: number;
  minTransactionSeconds?: number;
}

function sessionQuery(q: SessionQuery): Record<string, string | number | undefined> {
  return {
    sessionId: q.sessionId,
    user: q.user,
    source: q.source,
    db: q.db,
    activeOnly: q.activeOnly ? 'true' : undefined,
    sort: q.sort,
    page: q.page,
    pageSize: q.pageSize,
    tenantId: q.tenantId,
    minTransactionSeconds: q.minTransactionSeconds,
  };
}

const enc = encodeURIComponent;

/**
 * A tenant's session page opened directly: the tenant and its session list are asked for before the
 * console's scripts have run (src/app/boot.ts), alongside the sign-in check, and taken over by the
 * page's own requests.
 */
export function prefetchTenantPage(tenantId: number, q: SessionQuery): void {
  prefetch(`/api/tenants/${tenantId}`);
  prefetch(`/api/tenants/${tenantId}/sessions`, sessionQuery(q));
}

/** The same for a cluster's session page (Autonomous service → diagnosis): the cluster and its list. */
export function prefetchClusterPage(clusterId: number, q: SessionQuery): void {
  prefetch(`/api/clusters/${clusterId}`);
  prefetch(`/api/clusters/${clusterId}/sessions`, sessionQuery(q));
}

export const tenantsApi = {
  list: (page: number, pageSize: number, clusterId?: number) => api.get<Page<TenantDto>>('/api/tenants', { page, pageSize, clusterId }),
  get: (id: number) => api.get<TenantDto>(`/api/tenants/${id}`),
};

export const tenantTestApi = {
  /** POST /api/tenants/:id/test */
  test: (id: number) => api.post<TestResultDto>(`/api/tenants/${id}/test`),
};

export const clustersApi = {
  list: () => api.get<Page<ClusterDto>>('/api/clusters', { page: 1, pageSize: 500 }),
  get: (id: number) => api.get<ClusterDto>(`/api/clusters/${id}`),
};

function listTenant(tenantId: number, q: SessionQuery): Promise<SessionListResponse> {
  return api.get<SessionListResponse>(`/api/tenants/${tenantId}/sessions`, sessionQuery(q));
}

export const sessionsApi = {
  listTenant,
  listCluster: (clusterId: number, q: SessionQuery) =>
    api.get<ClusterSessionListResponse>(`/api/clusters/${clusterId}/sessions`, sessionQuery(q)),
  get: (tenantId: number, sessionId: string) => api.get<SessionRow>(`/api/tenants/${tenantId}/sessions/${enc(sessionId)}`),
  kill: (tenantId: number, ids: string[], scope: KillScope, expect: Record<string, { user: string; source: string }>) =>
    api.post<KillResponse>(`/api/tenants/${tenantId}/sessions/kill`, { ids, scope, expect }),
  getTrace: (tenantId: number, sessionId: string) => api.get<TraceState>(`/api/tenants/${tenantId}/sessions/${enc(sessionId)}/trace`),
  putTrace: (tenantId: number, sessionId: string, body: TraceSettings) =>
    api.put<TraceState>(`/api/tenants/${tenantId}/sessions/${enc(sessionId)}/trace`, body),
  deleteTrace: (tenantId: number, sessionId: string) =>
    api.del<TraceState | undefined>(`/api/tenants/${tenantId}/sessions/${enc(sessionId)}/trace`),
};
