import { api, ApiError } from '@/api/http';

import type {
  CapabilitiesDto,
  ClusterDto,
  ClusterPageDto,
  CreateClusterDto,
  CreateTenantDto,
  TenantConnectionDto,
  TenantDto,
  TenantHealthDto,
  TenantPageDto,
  TenantSavedDto,
  TestResultDto,
  UpdateClusterDto,
  UpdateTenantDto,
} from '@/api/schema';

export type { CapabilitiesDto, ClusterDto, TenantDto, TenantHealthDto, TestResultDto };
export type ClusterKind = ClusterDto['kind'];
export type TenantDialect = TenantDto['dialect'];
export type HealthStatus = TenantHealthDto['status'];
export type ClusterInput = CreateClusterDto;
export type TenantInput = CreateTenantDto;
/** PATCH body: omitted fields stay; an omitted or empty password keeps the stored one; `proxyAddress: null` clears it. */
export type TenantPatch = UpdateTenantDto;
/** POST /api/tenants/test: a connection described by a form that is not saved yet. */
export type TenantDraft = TenantConnectionDto;
export type TenantSaved = TenantSavedDto;

/** PATCH body: omitted fields stay; `null` clears a sys field; an empty `sysPassword` clears the stored one. */
export type ClusterPatch = UpdateClusterDto;

export const registryApi = {
  listClusters: (page: number, pageSize: number) => api.get<ClusterPageDto>('/api/clusters', { page, pageSize }),
  createCluster: (body: ClusterInput) => api.post<ClusterDto>('/api/clusters', body),
  updateCluster: (id: number, body: ClusterPatch) => api.patch<ClusterDto>(`/api/clusters/${id}`, body),
  deleteCluster: (id: number) => api.del<void>(`/api/clusters/${id}`),

  listTenants: (clusterId: number, page: number, pageSize: number) => api.get<TenantPageDto>('/api/tenants', { clusterId, page, pageSize }),
  createTenant: (body: TenantInput) => api.post<TenantSaved>('/api/tenants', body),
  updateTenant: (id: number, body: TenantPatch) => api.patch<TenantSaved>(`/api/tenants/${id}`, body),
  deleteTenant: (id: number) => api.del<void>(`/api/tenants/${id}`),
  testTenant: (id: number) => api.post<TestResultDto>(`/api/tenants/${id}/test`),
  testDraft: (body: TenantDraft) => api.post<TestResultDto>('/api/tenants/test', body),
};

/** Message of any thrown value, the server's own message for API errors. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
}

/** A request that failed as a whole, shown the way a failed connection test is shown. */
export function failedTest(err: unknown): TestResultDto {
  return {
    ok: false,
    latencyMs: null,
    dialect: null,
    version: null,
    capabilities: null,
    privileges: null,
    messages: [],
    error: { code: err instanceof ApiError ? err.code : 'ERROR', message: errorMessage(err) },
  };
}
