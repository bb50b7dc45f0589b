/**
 * The Redis layout of relay sessions (DESIGN §6). Every key starts with the instance's
 * REDIS_PREFIX. Per-session keys share the `{<sid>}` hash tag and the indexes share `{idx}`,
 * so each group lives in one Redis Cluster slot and one Lua script can update it atomically.
 * Every key carries a TTL; nothing grows without bound.
 *
 * Writers: the gateway's tracker (request start / end). Readers: the sessions admin API.
 */

/** Session ids: what a client may send and what the relay generates. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,256}$/;

export const relayKeys = (prefix: string) => ({
  /** hash: see SessionHashField */
  session: (sid: string) => `${prefix}rs:{${sid}}:s`,
  /** string counter: last request seq of the session */
  seq: (sid: string) => `${prefix}rs:{${sid}}:seq`,
  /** hash: see RequestHashField */
  request: (sid: string, seq: number) => `${prefix}rs:{${sid}}:req:${seq}`,
  /** zset seq → started-at ms: the session's requests in time order (paging asc/desc) */
  requests: (sid: string) => `${prefix}rs:{${sid}}:reqs`,
  /** strings, only with STORE_SESSION_MESSAGES=true: capped, header secrets masked */
  requestHeaders: (sid: string, seq: number) => `${prefix}rs:{${sid}}:reqh:${seq}`,
  requestBody: (sid: string, seq: number) => `${prefix}rs:{${sid}}:reqb:${seq}`,
  responseHeaders: (sid: string, seq: number) => `${prefix}rs:{${sid}}:resh:${seq}`,
  responseBody: (sid: string, seq: number) => `${prefix}rs:{${sid}}:resb:${seq}`,
  /** string: provider id the session is bound to */
  bind: (sid: string) => `${prefix}rs:{${sid}}:bind`,
  /** string: tombstone after termination (value: JSON {by, at}), TTL SESSION_TTL */
  dead: (sid: string) => `${prefix}rs:{${sid}}:dead`,

  /** zset sid → last activity ms, every session whose data has not expired */
  all: () => `${prefix}rs:{idx}:all`,
  /** zset sid → last activity ms: sessions active within SESSION_TTL (trimmed by score) */
  active: () => `${prefix}rs:{idx}:active`,
  /** zsets sid → last activity ms, scoped listing and distinct-active-session limits */
  byUser: (userId: number | string) => `${prefix}rs:{idx}:user:${userId}`,
  byKey: (keyId: number | string) => `${prefix}rs:{idx}:key:${keyId}`,
  byProvider: (providerId: number | string) => `${prefix}rs:{idx}:provider:${providerId}`,
  /** zset "<sid>|<requestId>" → lease expiry ms: requests in flight (slots with leases) */
  inflight: () => `${prefix}rs:{idx}:inflight`,
  /** hash sid → requests in flight (slots counted per session, kept with the leases) */
  inflightBySession: () => `${prefix}rs:{idx}:sif`,
  /** hash providerId → "failures|openUntilMs|probeUntilMs": the circuit breaker every instance shares */
  circuit: () => `${prefix}rs:{idx}:circuit`,
  /** key prefix of one provider's zset (Lua scripts append the provider id) */
  byProviderPrefix: () => `${prefix}rs:{idx}:provider:`,
  /** key prefix of one session's keys (Lua scripts append `req:<seq>` etc.) */
  sessionPrefix: (sid: string) => `${prefix}rs:{${sid}}:`,
  /** pub/sub channel: a session id to abort on every instance */
  terminateChannel: () => `${prefix}rs:terminate`,
});

export type RelayKeys = ReturnType<typeof relayKeys>;

/** Fields of the session hash `rs:{sid}:s`. Counters are integers; cost in micro-units. */
export type SessionHashField =
  | 'userId'
  | 'userName'
  | 'keyId'
  | 'keyName'
  | 'providerId' // provider of the last request
  | 'providerName'
  | 'providers' // JSON array of {id, name} used so far
  | 'model' // model of the last request
  | 'models' // JSON array of model names used so far
  | 'idSource' // where the id came from: header | metadata.user_id | metadata.session_id | x-session-id | hash | new
  | 'firstAt' // ms
  | 'lastAt' // ms
  | 'requests'
  | 'inFlight'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheCreationTokens'
  | 'cacheReadTokens'
  | 'costMicros'
  | 'durationMs' // sum of request durations
  | 'lastStatus' // in_progress | completed | error
  | 'lastLease' // the last request's lease id (see RequestHashField 'lease')
  | 'ttlRefreshedAt'; // ms: when the request keys' expiry was last extended

/** Fields of the request hash `rs:{sid}:req:<seq>`. */
export type RequestHashField =
  | 'seq'
  | 'startedAt' // ms
  | 'endedAt' // ms
  | 'model'
  | 'providerId'
  | 'providerName'
  | 'status' // in_progress | completed | error
  | 'statusCode'
  | 'durationMs'
  | 'stream' // 1 | 0
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheCreationTokens'
  | 'cacheReadTokens'
  | 'costMicros'
  | 'userAgent'
  | 'lease' // the request's id in its slot's lease member "<sid>|<lease>" (rs:{idx}:inflight)
  | 'error' // short error message when status = error
  | 'requestBodyTruncated' // 1 when the stored request body was cut at SESSION_MESSAGE_MAX_BYTES
  | 'responseBodyTruncated'; // 1 when the stored response body was cut
