/**
 * Shapes of the relay keys and providers API (server/relay/relay.types.ts: RelayKeyView,
 * RelayProviderView), kept here until their DTOs are in the generated OpenAPI types.
 */
export interface RelayKeyDto {
  id: number;
  name: string;
  prefix: string;
  userId: number;
  userName: string;
  enabled: boolean;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}
export interface RelayKeyPageDto {
  items: RelayKeyDto[];
  total: number;
  page: number;
  pageSize: number;
}
export interface RelayKeyCreatedDto {
  id: number;
  name: string;
  prefix: string;
  secret: string;
  key: RelayKeyDto;
}
export interface CreateRelayKeyDto {
  name: string;
  userId?: number;
  expiresAt?: string;
}
export interface UpdateRelayKeyDto {
  enabled?: boolean;
  name?: string;
}
export interface RelayProviderDto {
  id: number;
  name: string;
  baseUrl: string;
  hasApiKey: boolean;
  priority: number;
  weight: number;
  models: string[];
  maxSessions: number;
  enabled: boolean;
  circuit: 'closed' | 'open' | 'half_open';
  activeSessions: number;
}
export interface RelayProviderListDto {
  items: RelayProviderDto[];
  total: number;
  page: number;
  pageSize: number;
}
export interface CreateRelayProviderDto {
  name: string;
  baseUrl: string;
  apiKey: string;
  priority?: number;
  weight?: number;
  models?: string[];
  maxSessions?: number;
  enabled?: boolean;
}
export type UpdateRelayProviderDto = Partial<CreateRelayProviderDto>;
