/**
 * Shapes the relay's admin API answers (`/api/relay/...`). The console's types are generated from
 * the OpenAPI document; these are the server-side source of truth the DTO classes implement.
 * Times are ISO-8601 strings, money is integer micro-units of RELAY_CURRENCY.
 */

/** A request's status as its record stores it: written when it starts and when it ends. */
export type RelayRequestStatus = 'in_progress' | 'completed' | 'error';
/**
 * A request's status as the admin API shows it: the stored one, or `interrupted` for a request
 * recorded in progress whose lease lapsed (its instance stopped before it could end it).
 */
export type RelayRequestShownStatus = RelayRequestStatus | 'interrupted';
export type RelaySessionState = 'active' | 'inactive';

export interface RelaySessionSummary {
  id: string;
  state: RelaySessionState;
  userId: number;
  userName: string;
  keyId: number;
  keyName: string;
  providerId: number | null;
  providerName: string | null;
  model: string | null;
  requests: number;
  inFlight: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costMicros: number;
  currency: string;
  firstRequestAt: string;
  lastRequestAt: string;
  /** sum of request durations */
  durationMs: number;
  lastStatus: RelayRequestShownStatus | null;
}

export interface RelaySessionDetail extends RelaySessionSummary {
  idSource: string;
  providers: { id: number; name: string }[];
  models: string[];
  /** STORE_SESSION_MESSAGES: whether headers and bodies are kept */
  messagesStored: boolean;
}

export interface RelayRequestSummary {
  seq: number;
  startedAt: string;
  endedAt: string | null;
  model: string | null;
  providerId: number | null;
  providerName: string | null;
  status: RelayRequestShownStatus;
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

export interface RelayRequestDetail extends RelayRequestSummary {
  messagesStored: boolean;
  /** plain text, one "name: value" per line, secrets masked; null when not stored */
  requestHeaders: string | null;
  requestBody: string | null;
  responseHeaders: string | null;
  /** JSON text; for a stream the raw SSE text */
  responseBody: string | null;
  /** true when a stored part was cut at SESSION_MESSAGE_MAX_BYTES */
  truncated: { requestBody: boolean; responseBody: boolean };
}

export type TerminateOutcome = 'terminated' | 'unauthorized' | 'missing' | 'failed';

export interface TerminateResult {
  terminated: number;
  unauthorized: number;
  missing: number;
  failed: number;
  results: { id: string; outcome: TerminateOutcome; message?: string }[];
}

export interface RelayKeyView {
  id: number;
  name: string;
  /** first characters of the secret, to recognise it */
  prefix: string;
  userId: number;
  userName: string;
  enabled: boolean;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface RelayProviderView {
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
}
