import { api } from '@/api/http';
import type {
  CreateRelayKeyDto,
  CreateRelayProviderDto,
  RelayKeyCreatedDto,
  RelayKeyDto,
  RelayKeyPageDto,
  RelayProviderDto,
  RelayProviderListDto,
  RelayRequestDetailDto,
  RelayRequestDto,
  RelayRequestPageDto,
  RelaySessionDetailDto,
  RelaySessionDto,
  RelaySessionPageDto,
  TerminateResultDto,
  UpdateRelayKeyDto,
  UpdateRelayProviderDto,
} from '@/api/schema';

export type {
  RelayRequestDetailDto,
  RelayRequestDto,
  RelaySessionDetailDto,
  RelaySessionDto,
  TerminateResultDto,
  RelayKeyDto,
  RelayKeyCreatedDto,
  RelayProviderDto,
  CreateRelayProviderDto,
  UpdateRelayProviderDto,
};

const sid = (id: string) => encodeURIComponent(id);

export const relaySessionsApi = {
  list: (state: 'active' | 'inactive', page: number) => api.get<RelaySessionPageDto>('/api/relay/sessions', { state, page }),
  detail: (id: string) => api.get<RelaySessionDetailDto>(`/api/relay/sessions/${sid(id)}`),
  requests: (id: string, order: 'asc' | 'desc', page: number) =>
    api.get<RelayRequestPageDto>(`/api/relay/sessions/${sid(id)}/requests`, { order, page }),
  request: (id: string, seq: number) => api.get<RelayRequestDetailDto>(`/api/relay/sessions/${sid(id)}/requests/${seq}`),
  terminate: (ids: string[]) => api.post<TerminateResultDto>('/api/relay/sessions/terminate', { ids }),
  terminateOne: (id: string) => api.del<TerminateResultDto>(`/api/relay/sessions/${sid(id)}`),
};

export const relayKeysApi = {
  list: (page: number, pageSize: number) => api.get<RelayKeyPageDto>('/api/relay/keys', { page, pageSize }),
  create: (body: CreateRelayKeyDto) => api.post<RelayKeyCreatedDto>('/api/relay/keys', body),
  update: (id: number, body: UpdateRelayKeyDto) => api.patch<RelayKeyDto>(`/api/relay/keys/${id}`, body),
  remove: (id: number) => api.del<void>(`/api/relay/keys/${id}`),
};

export const relayProvidersApi = {
  list: () => api.get<RelayProviderListDto>('/api/relay/providers'),
  create: (body: CreateRelayProviderDto) => api.post<RelayProviderDto>('/api/relay/providers', body),
  update: (id: number, body: UpdateRelayProviderDto) => api.patch<RelayProviderDto>(`/api/relay/providers/${id}`, body),
  remove: (id: number) => api.del<void>(`/api/relay/providers/${id}`),
};
