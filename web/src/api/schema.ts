// Generated from the server's OpenAPI document by `npm run api:types`. Do not edit.

export interface AuditDto {
  /** row id (64-bit, as a string) */
  id: string;
  /** ISO 8601 */
  at: string;
  actorId: number | null;
  /** user name recorded with the row */
  actorName: string;
  /** the actor's display name now; null when none or the user is gone */
  actorDisplayName: string | null;
  /** the actor user no longer exists (or the row names no user) */
  actorDeleted: boolean;
  actorIp: string;
  action: string;
  clusterId: number | null;
  tenantId: number | null;
  /** the cluster's name now, else as recorded; null when unknown */
  clusterName: string | null;
  /** the row names a cluster that no longer exists */
  clusterDeleted: boolean;
  /** the tenant's name now, else as recorded; null when unknown */
  tenantName: string | null;
  /** the row names a tenant that no longer exists */
  tenantDeleted: boolean;
  sessionId: string | null;
  /** what the action was about */
  target: Record<string, unknown> | null;
  result: "ok" | "denied" | "not_found" | "failed";
  errorCode: string | null;
  message: string | null;
}

export interface AuditPageDto {
  items: AuditDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface CapabilitiesDto {
  processlistSource: "information_schema.PROCESSLIST" | "performance_schema.processlist" | "oceanbase.GV$OB_PROCESSLIST" | "information_schema.CLUSTER_PROCESSLIST";
  nativeSqlId: boolean;
  fullLinkTrace: boolean;
  killViaServer: boolean;
}

export interface ChangePasswordDto {
  currentPassword: string;
  newPassword: string;
}

export interface ClusterDto {
  id: number;
  name: string;
  kind: "oceanbase" | "mysql";
  description: string;
  sysHost: string | null;
  sysPort: number | null;
  sysUser: string | null;
  hasSysPassword: boolean;
  tenantCount: number;
  level: "operate" | "read_only" | null;
  createdAt: string;
}

export interface ClusterPageDto {
  items: ClusterDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ClusterSessionPageDto {
  items: SessionRowDto[];
  total: number;
  page: number;
  pageSize: number;
  /** when the processlist was read */
  fetchedAt: string;
  errors: TenantErrorDto[];
  tenants: ClusterTenantRefDto[];
}

export interface ClusterTenantRefDto {
  id: number;
  name: string;
  dialect: "mysql" | "mariadb" | "oceanbase" | "tidb" | "unknown";
  level: "operate" | "read_only" | null;
}

export interface ComponentHealth {
  status: "ok" | "down";
  latencyMs?: number;
  error?: string;
}

export interface CreateClusterDto {
  name: string;
  kind: "oceanbase" | "mysql";
  description?: string;
  sysHost?: string;
  sysPort?: number;
  sysUser?: string;
  sysPassword?: string;
}

export interface CreatedUserDto {
  user: UserDto;
  /** the generated password, answered only this once */
  initialPassword?: string;
}

export interface CreateGrantDto {
  subjectType: "user" | "role";
  subjectId: number;
  scope: "all" | "cluster" | "tenant";
  /** cluster or tenant id; omitted or 0 for scope all */
  resourceId?: number;
  level: "read_only" | "operate";
}

export interface CreateRelayKeyDto {
  name: string;
  /** owner; administrators only (default: the caller) */
  userId?: number;
  /** ISO-8601 time after which the key stops working */
  expiresAt?: string;
}

export interface CreateRelayProviderDto {
  name: string;
  baseUrl: string;
  /** sent upstream as x-api-key; never returned */
  apiKey: string;
  priority?: number;
  weight?: number;
  models?: string[];
  maxSessions?: number;
  enabled?: boolean;
}

export interface CreateRoleDto {
  name: string;
  description?: string;
  menus: ("diagnosis.sessions" | "tenant.sessions" | "relay.sessions" | "audit.read" | "admin.users" | "admin.tenants")[];
  /** never operate, whatever the grants say */
  readOnly?: boolean;
}

export interface CreateTenantDto {
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
  clusterId: number;
  proxyAddress?: string;
  directServers?: string[];
}

export interface CreateUserDto {
  /** stored in canonical form: Unicode NFKC, trimmed, lower case */
  username: string;
  displayName?: string;
  roleIds: number[];
  /** omitted: a password is generated, answered once, and must be changed at first sign-in */
  password?: string;
  /** whether the user must change the password at first sign-in; omitted: true for a generated password, false for a given one (a generated password always must be changed) */
  mustChangePassword?: boolean;
}

export interface GrantDto {
  id: number;
  subjectType: "user" | "role";
  subjectId: number;
  /** user name or role name */
  subjectName: string | null;
  /** all: every cluster; a cluster grant covers its tenants */
  scope: "all" | "cluster" | "tenant";
  /** cluster or tenant id; 0 for scope all */
  resourceId: number;
  /** "*" for scope all; null when the resource no longer exists */
  resourceName: string | null;
  /** the cluster of a tenant grant */
  clusterId: number | null;
  level: "read_only" | "operate";
  /** ISO 8601 */
  createdAt: string;
}

export interface GrantPageDto {
  items: GrantDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface HealthDto {
  status: "ok" | "degraded";
  db: ComponentHealth;
  redis: ComponentHealth;
  relay: RelayHealth;
}

export interface InitialPasswordDto {
  /** answered only this once; must be changed at next sign-in */
  initialPassword: string;
}

export interface KillDto {
  /** session ids: decimal strings (up to 2^63-1) or JSON integers (up to 2^53-1); results name them as strings */
  ids: (string | number)[];
  scope: "session" | "query";
  /** what the caller saw for each id; a session whose user or source differs now is not killed (changed) */
  expect?: Record<string, SeenSessionDto>;
}

export interface KillResponseDto {
  results: KillResultDto[];
}

export interface KillResultDto {
  id: string;
  outcome: "killed" | "not_found" | "changed" | "refused" | "failed";
  code?: string;
  message?: string;
}

export interface LoginDto {
  username: string;
  password: string;
}

export interface LongestStatementDto {
  tenantId: number;
  sessionId: string;
  seconds: number;
  sql: string | null;
}

export interface MeDto {
  user: MeUserDto;
  roles: MeRoleDto[];
  menus: string[];
  grants: MeGrantDto[];
  /** Administrator: operate everywhere */
  allAccess: boolean;
  /** Read-only whatever the grants say (auditors) */
  readOnly: boolean;
  edition: "enterprise" | "community";
  csrfToken: string;
}

export interface MeGrantDto {
  scope: "all" | "cluster" | "tenant";
  resourceId: number;
  level: "read_only" | "operate";
}

export interface MenuListDto {
  /** menus that exist in this edition */
  menus: ("diagnosis.sessions" | "tenant.sessions" | "relay.sessions" | "audit.read" | "admin.users" | "admin.tenants")[];
}

export interface MeRoleDto {
  id: number;
  name: string;
}

export interface MeUserDto {
  id: number;
  username: string;
  displayName: string;
  mustChangePassword: boolean;
}

export interface PrivilegesDto {
  process: boolean;
  kill: boolean;
  grants: string[];
}

export interface RelayHealth {
  /** the relay's Redis (a cluster when REDIS_CLUSTER_NODES is set) */
  redis: "ok" | "down";
  cluster: boolean;
  /** guarantees suspended while Redis is down; the relay keeps forwarding */
  suspended: string[];
  /** requests forwarded without tracking since start-up */
  untrackedRequests: number;
}

export interface RelayKeyCreatedDto {
  id: number;
  name: string;
  prefix: string;
  /** shown once; only a hash is stored */
  secret: string;
  key: RelayKeyDto;
}

export interface RelayKeyDto {
  id: number;
  name: string;
  /** first characters of the secret */
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

export interface RelayProviderDto {
  id: number;
  name: string;
  baseUrl: string;
  hasApiKey: boolean;
  priority: number;
  weight: number;
  /** empty: every model */
  models: string[];
  /** distinct active sessions; 0 = unlimited */
  maxSessions: number;
  enabled: boolean;
  circuit: "closed" | "open" | "half_open";
  /** active sessions bound to the provider now; -1 when Redis is unavailable */
  activeSessions: number;
}

export interface RelayProviderListDto {
  items: RelayProviderDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RelayProviderRefDto {
  id: number;
  name: string;
}

export interface RelayRequestDetailDto {
  seq: number;
  startedAt: string;
  endedAt: string | null;
  model: string | null;
  providerId: number | null;
  providerName: string | null;
  /** interrupted: recorded in progress, its lease lapsed (its instance stopped) */
  status: "in_progress" | "completed" | "error" | "interrupted";
  statusCode: number | null;
  durationMs: number | null;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costMicros: number;
  userAgent: string | null;
  error: string | null;
  messagesStored: boolean;
  /** one "name: value" per line, secrets masked */
  requestHeaders: string | null;
  requestBody: string | null;
  responseHeaders: string | null;
  /** JSON text; for a stream the raw SSE text */
  responseBody: string | null;
  truncated: RelayTruncatedDto;
}

export interface RelayRequestDto {
  seq: number;
  startedAt: string;
  endedAt: string | null;
  model: string | null;
  providerId: number | null;
  providerName: string | null;
  /** interrupted: recorded in progress, its lease lapsed (its instance stopped) */
  status: "in_progress" | "completed" | "error" | "interrupted";
  statusCode: number | null;
  durationMs: number | null;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costMicros: number;
  userAgent: string | null;
  error: string | null;
}

export interface RelayRequestPageDto {
  items: RelayRequestDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RelaySessionDetailDto {
  id: string;
  state: "active" | "inactive";
  userId: number;
  userName: string;
  keyId: number;
  keyName: string;
  providerId: number | null;
  providerName: string | null;
  model: string | null;
  requests: number;
  /** requests in flight now */
  inFlight: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** integer micro-units of currency */
  costMicros: number;
  currency: string;
  firstRequestAt: string;
  lastRequestAt: string;
  /** sum of request durations */
  durationMs: number;
  /** interrupted: recorded in progress, its lease lapsed (its instance stopped) */
  lastStatus: "in_progress" | "completed" | "error" | "interrupted" | null;
  /** where the session id came from */
  idSource: string;
  providers: RelayProviderRefDto[];
  models: string[];
  /** STORE_SESSION_MESSAGES: whether headers and bodies are kept */
  messagesStored: boolean;
  /** terminated by an administrator or its owner; the data stays until it expires */
  terminated: boolean;
}

export interface RelaySessionDto {
  id: string;
  state: "active" | "inactive";
  userId: number;
  userName: string;
  keyId: number;
  keyName: string;
  providerId: number | null;
  providerName: string | null;
  model: string | null;
  requests: number;
  /** requests in flight now */
  inFlight: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** integer micro-units of currency */
  costMicros: number;
  currency: string;
  firstRequestAt: string;
  lastRequestAt: string;
  /** sum of request durations */
  durationMs: number;
  /** interrupted: recorded in progress, its lease lapsed (its instance stopped) */
  lastStatus: "in_progress" | "completed" | "error" | "interrupted" | null;
}

export interface RelaySessionPageDto {
  items: RelaySessionDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RelayTruncatedDto {
  requestBody: boolean;
  responseBody: boolean;
}

export interface RoleDto {
  id: number;
  name: string;
  description: string;
  /** built-in roles cannot be changed or deleted */
  builtin: boolean;
  /** every menu and operate on every resource (Administrator) */
  allAccess: boolean;
  /** read-only whatever the grants say (Auditor) */
  readOnly: boolean;
  menus: ("diagnosis.sessions" | "tenant.sessions" | "relay.sessions" | "audit.read" | "admin.users" | "admin.tenants")[];
  /** users holding the role */
  userCount: number;
}

export interface RolePageDto {
  items: RoleDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SeenSessionDto {
  user: string;
  source: string;
}

export interface SessionPageDto {
  items: SessionRowDto[];
  total: number;
  page: number;
  pageSize: number;
  /** when the processlist was read */
  fetchedAt: string;
}

export interface SessionRowDto {
  id: string;
  tenantId: number;
  tenantName?: string;
  sql: string | null;
  sqlTruncated: boolean;
  sqlId: string | null;
  user: string;
  source: string;
  db: string | null;
  command: string;
  timeSeconds: number;
  state: string;
  active: boolean;
  server: string | null;
  proxy: string | null;
  transactionState: string | null;
  system: boolean;
  /** one of the console's own connections: never killable */
  console: boolean;
  extras: Record<string, string | number | null>;
}

export interface SessionsOverviewDto {
  tenants: TenantOverviewDto[];
  active: number;
  idleInTransaction: number;
  oldestIdleTransactionSeconds: number | null;
  longest: LongestStatementDto | null;
  tenantsDown: number;
  /** when the overview was put together */
  fetchedAt: string;
}

export interface TenantConnectionDto {
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface TenantDto {
  id: number;
  clusterId: number;
  clusterName: string;
  name: string;
  host: string;
  port: number;
  username: string;
  hasPassword: boolean;
  proxyAddress: string | null;
  directServers: string[];
  dialect: "mysql" | "mariadb" | "oceanbase" | "tidb" | "unknown";
  version: string;
  capabilities: CapabilitiesDto | null;
  health: TenantHealthDto;
  level: "operate" | "read_only" | null;
  createdAt: string;
}

export interface TenantErrorDto {
  tenantId: number;
  tenantName: string;
  code: string;
  message: string;
}

export interface TenantHealthDto {
  status: "up" | "down" | "unknown";
  latencyMs: number | null;
  error: string | null;
  checkedAt: string | null;
}

export interface TenantOverviewDto {
  tenantId: number;
  tenantName: string;
  clusterId: number;
  /** the processlist could be read */
  up: boolean;
  errorCode?: string;
  sessions: number;
  active: number;
  idleInTransaction: number;
  /** seconds the oldest idle transaction has been open */
  oldestIdleTransactionSeconds: number | null;
  longest: LongestStatementDto | null;
}

export interface TenantPageDto {
  items: TenantDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface TenantSavedDto {
  tenant: TenantDto;
  test: TestResultDto;
}

export interface TerminateItemDto {
  id: string;
  outcome: "terminated" | "unauthorized" | "missing" | "failed";
  message?: string;
}

export interface TerminateResultDto {
  terminated: number;
  /** skipped: not the caller’s session */
  unauthorized: number;
  /** skipped: expired or unknown */
  missing: number;
  /** e.g. Redis unavailable */
  failed: number;
  results: TerminateItemDto[];
}

export interface TerminateSessionsDto {
  /** at most 200 distinct ids; duplicates are folded */
  ids: string[];
}

export interface TestErrorDto {
  code: string;
  message: string;
}

export interface TestResultDto {
  ok: boolean;
  latencyMs: number | null;
  dialect: string | null;
  version: string | null;
  capabilities: CapabilitiesDto | null;
  privileges: PrivilegesDto | null;
  messages: string[];
  error?: TestErrorDto;
}

export interface TraceConfigDto {
  level: number;
  sampleRate: number;
  recordPolicy: "ALL" | "ONLY_SLOW_QUERY" | "SAMPLE_AND_SLOW_QUERY";
}

export interface TraceStateDto {
  enabled: boolean;
  level: number | null;
  sampleRate: number | null;
  recordPolicy: string | null;
}

export interface UpdateClusterDto {
  name?: string;
  kind?: "oceanbase" | "mysql";
  description?: string;
  sysHost?: string | null;
  sysPort?: number | null;
  sysUser?: string | null;
  /** omit to keep the stored password; null or empty to clear it */
  sysPassword?: string | null;
}

export interface UpdateRelayKeyDto {
  enabled?: boolean;
  name?: string;
}

export interface UpdateRelayProviderDto {
  name?: string;
  baseUrl?: string;
  /** replaces the stored key */
  apiKey?: string;
  priority?: number;
  weight?: number;
  models?: string[];
  maxSessions?: number;
  enabled?: boolean;
}

export interface UpdateRoleDto {
  name?: string;
  description?: string;
  menus?: ("diagnosis.sessions" | "tenant.sessions" | "relay.sessions" | "audit.read" | "admin.users" | "admin.tenants")[];
  readOnly?: boolean;
}

export interface UpdateTenantDto {
  clusterId?: number;
  name?: string;
  host?: string;
  port?: number;
  username?: string;
  /** omit to keep the stored password */
  password?: string;
  proxyAddress?: string | null;
  directServers?: string[];
}

export interface UpdateUserDto {
  displayName?: string;
  /** false ends every console session of the user at once */
  enabled?: boolean;
  /** replaces the user’s roles */
  roleIds?: number[];
}

export interface UserDto {
  id: number;
  username: string;
  displayName: string;
  enabled: boolean;
  mustChangePassword: boolean;
  roles: UserRoleDto[];
  /** ISO 8601 */
  createdAt: string;
}

export interface UserPageDto {
  items: UserDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface UserRoleDto {
  id: number;
  name: string;
}
