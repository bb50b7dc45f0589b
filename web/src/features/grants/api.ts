import { api } from '@/api/http';
import type { ClusterPageDto, CreateGrantDto, GrantDto, GrantPageDto, TenantPageDto } from '@/api/schema';

export type { GrantDto };
export type GrantSubjectType = GrantDto['subjectType'];
export type GrantScope = GrantDto['scope'];
export type GrantLevel = GrantDto['level'];

export const grantsApi = {
  list: (subjectType: GrantSubjectType, subjectId: number) =>
    api.get<GrantPageDto>('/api/grants', { subjectType, subjectId, pageSize: 500 }),
  create: (body: CreateGrantDto) => api.post<GrantDto>('/api/grants', body),
  remove: (id: number) => api.del<void>(`/api/grants/${id}`),
  clusters: () => api.get<ClusterPageDto>('/api/clusters'),
  tenants: (clusterId: number) => api.get<TenantPageDto>('/api/tenants', { clusterId, pageSize: 500 }),
};
