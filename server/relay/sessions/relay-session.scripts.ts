/**
 * Lua scripts of the relay's session store. Each touches one hash slot only: the `{<sid>}` keys of
 * one session, or the `{idx}` indexes; so every script is atomic on Redis Cluster too. The one
 * exception, OPEN_ADMIT (OPEN and ADMIT together), is sent to a standalone Redis only. Keys of the
 * same slot that depend on a request's seq are built from a prefix passed as the first key.
 */

/** Releases leases that expired (a crashed instance's slots). Shared by the {idx} scripts. */
const EXPIRE_LEASES = `
local function expire_leases(inflight, sif, now)
  local gone = redis.call('ZRANGEBYSCORE', inflight, '-inf', now)
  for _, m in ipairs(gone) do
    redis.call('ZREM', inflight, m)
    local sid = string.match(m, '^(.*)|[^|]*$')
    if sid and redis.call('HINCRBY', sif, sid, -1) <= 0 then redis.call('HDEL', sif, sid) end
  end
end
`;

/**
 * Picks the first admissible provider from an ordered candidate list: circuit not open (one
 * half-open probe at a time), distinct active sessions under its maximum.
 */
const PICK = `
local function pick(circuit, pprefix, sid, now, cutoff, probeMs, cands, skip)
  local reason = 'circuit'
  for i = 1, #cands, 2 do
    local pid, max = cands[i], tonumber(cands[i + 1])
    if pid ~= skip then
      local ok = true
      local c = redis.call('HGET', circuit, pid)
      local probe = false
      if c then
        local fails, openUntil, probeUntil = string.match(c, '^(%d+)|(%d+)|(%d+)$')
        openUntil = tonumber(openUntil or '0'); probeUntil = tonumber(probeUntil or '0')
        if openUntil > now then ok = false
        elseif openUntil > 0 then
          if probeUntil > now then ok = false else probe = true end
        end
      end
      if ok and max > 0 then
        local pz = pprefix .. pid
        local sc = redis.call('ZSCORE', pz, sid)
        if not sc or tonumber(sc) < cutoff then
          redis.call('ZREMRANGEBYSCORE', pz, '-inf', '(' .. cutoff)
          if redis.call('ZCARD', pz) >= max then ok = false; reason = 'provider' end
        end
      end
      if ok then
        if probe then
          local fails = string.match(c, '^(%d+)|') or '0'
          redis.call('HSET', circuit, pid, fails .. '|' .. string.match(c, '^%d+|(%d+)|') .. '|' .. (now + probeMs))
        end
        return pid, nil
      end
    end
  end
  return nil, reason
end
`;

/**
 * Request start, session slot. KEYS: session hash, seq, dead, bind, reqs, session key prefix.
 * ARGV: now, ttlMs, busy ('fork': a fork when requests are in flight, 'heal': the requests counted in
 *       flight lost their leases, count from none, else '0'), userId, userName, keyId, keyName, idSource, model, stream,
 *       userAgent, store, reqHeaders, reqBody, reqBodyTruncated, lease (the request's id in its slot's lease member "<sid>|<id>")
 * → {'dead'} | {'fork'} | {'ok', seq, boundProviderId}
 */
const OPEN_FN = `
local function open(KEYS, ARGV)
local s, seqk, dead, bind, reqs, pre = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now, ttl = ARGV[1], ARGV[2]
local slack = math.floor(tonumber(ttl) * 1.25)
local db = redis.call('MGET', dead, bind)
if db[1] then return {'dead', db[1]} end
local f = redis.call('HMGET', s, 'firstAt', 'inFlight', 'requests', 'models')
local inFlight = tonumber(f[2] or '0')
if ARGV[3] == 'heal' then inFlight = 0 end
if ARGV[3] == 'fork' and inFlight > 0 then return {'fork'} end
local seq = redis.call('INCR', seqk)
local b = db[2] or ''
-- the session hash in one write: counters read above (the script is atomic), new fields on the first request
local h = {'lastAt', now, 'model', ARGV[9], 'lastStatus', 'in_progress', 'lastLease', ARGV[16],
  'requests', tonumber(f[3] or '0') + 1, 'inFlight', inFlight + 1}
if not f[1] then
  for _, v in ipairs({'firstAt', now, 'userId', ARGV[4], 'userName', ARGV[5], 'keyId', ARGV[6], 'keyName', ARGV[7],
    'idSource', ARGV[8], 'inputTokens', 0, 'outputTokens', 0, 'cacheCreationTokens', 0, 'cacheReadTokens', 0,
    'costMicros', 0, 'durationMs', 0, 'providers', '[]'}) do h[#h + 1] = v end
end
local models = cjson.decode(f[4] or '[]')
local known = false
for _, m in ipairs(models) do if m == ARGV[9] then known = true end end
if not known or not f[4] then
  if not known then table.insert(models, ARGV[9]) end
  h[#h + 1] = 'models'
  h[#h + 1] = cjson.encode(models)
end
redis.call('HSET', s, unpack(h))
local req = pre .. 'req:' .. seq
local r = {'seq', seq, 'startedAt', now, 'model', ARGV[9], 'status', 'in_progress', 'stream', ARGV[10],
  'userAgent', ARGV[11], 'lease', ARGV[16], 'inputTokens', 0, 'outputTokens', 0, 'cacheCreationTokens', 0, 'cacheReadTokens', 0, 'costMicros', 0}
if ARGV[12] == '1' then
  redis.call('SET', pre .. 'reqh:' .. seq, ARGV[13], 'PX', slack)
  redis.call('SET', pre .. 'reqb:' .. seq, ARGV[14], 'PX', slack)
  r[#r + 1] = 'requestBodyTruncated'
  r[#r + 1] = ARGV[15]
end
redis.call('HSET', req, unpack(r))
redis.call('PEXPIRE', req, slack)
redis.call('ZADD', reqs, now, seq)
redis.call('PEXPIRE', reqs, ttl)
redis.call('PEXPIRE', s, ttl)
redis.call('PEXPIRE', seqk, ttl)
if b ~= '' then redis.call('PEXPIRE', bind, ttl) end
return {'ok', seq, b}
end
`;

export const OPEN = `${OPEN_FN}
return open(KEYS, ARGV)
`;

/**
 * Admission, index slot: limits (session in flight, key and user distinct active sessions),
 * provider choice (circuit, provider maximum) and a leased slot, all or nothing.
 * KEYS: all, active, byUser, byKey, inflight, sif, circuit, provider zset prefix
 * ARGV: now, sid, member, leaseUntil, activeMs, keepMs, sessionMax, keyMax, userMax, probeMs, candidates (pid, max)...
 * → {'ok', providerId} | {'limit', scope, current, max} | {'none', reason}
 */
const ADMIT_FN = `${EXPIRE_LEASES}${PICK}
local function admit(KEYS, ARGV)
local all, active, byUser, byKey, inflight, sif, circuit, pprefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local now, sid, member, leaseUntil = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local activeMs, keepMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local sessionMax, keyMax, userMax, probeMs = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local cutoff = now - activeMs
expire_leases(inflight, sif, now)
local cur = tonumber(redis.call('HGET', sif, sid) or '0')
if sessionMax > 0 and cur >= sessionMax then return {'limit', 'session', cur, sessionMax} end
local function distinct(z, max, scope)
  if max <= 0 then return nil end
  local sc = redis.call('ZSCORE', z, sid)
  if sc and tonumber(sc) >= cutoff then return nil end
  redis.call('ZREMRANGEBYSCORE', z, '-inf', '(' .. cutoff)
  local n = redis.call('ZCARD', z)
  if n >= max then return {'limit', scope, n, max} end
  return nil
end
local over = distinct(byKey, keyMax, 'key') or distinct(byUser, userMax, 'user')
if over then return over end
local cands = {}
for i = 11, #ARGV do cands[#cands + 1] = ARGV[i] end
local pid, reason = pick(circuit, pprefix, sid, now, cutoff, probeMs, cands, nil)
if not pid then return {'none', reason} end
redis.call('ZADD', inflight, leaseUntil, member)
redis.call('HINCRBY', sif, sid, 1)
local pz = pprefix .. pid
for _, z in ipairs({all, active, byUser, byKey, pz}) do
  redis.call('ZADD', z, now, sid)
  redis.call('PEXPIRE', z, keepMs)
end
redis.call('ZREMRANGEBYSCORE', active, '-inf', '(' .. cutoff)
redis.call('ZREMRANGEBYSCORE', all, '-inf', '(' .. (now - keepMs))
redis.call('PEXPIRE', inflight, keepMs + activeMs)
redis.call('PEXPIRE', sif, keepMs + activeMs)
return {'ok', pid}
end
`;

export const ADMIT = `${ADMIT_FN}
return admit(KEYS, ARGV)
`;

/**
 * OPEN then ADMIT in one script, for a standalone Redis only (its keys span two cluster slots):
 * one round trip where a cluster needs two. The candidate bound to the session goes first, as
 * the gateway orders it between the two scripts on a cluster.
 * KEYS: OPEN's 6 keys, then ADMIT's 8. ARGV: OPEN's 16 arguments, then ADMIT's.
 * → OPEN's answer when it is not 'ok'; otherwise {'ok', seq, boundProviderId, ADMIT's answer...}
 */
export const OPEN_ADMIT = `${OPEN_FN}${ADMIT_FN}
local okeys, oargv, akeys, aargv = {}, {}, {}, {}
for i = 1, 6 do okeys[i] = KEYS[i] end
for i = 7, #KEYS do akeys[#akeys + 1] = KEYS[i] end
for i = 1, 16 do oargv[i] = ARGV[i] end
for i = 17, #ARGV do aargv[#aargv + 1] = ARGV[i] end
local o = open(okeys, oargv)
if o[1] ~= 'ok' then return o end
local b = o[3]
if b ~= '' then
  for i = 11, #aargv, 2 do
    if aargv[i] == b then
      local max = aargv[i + 1]
      for j = i, 13, -2 do aargv[j] = aargv[j - 2]; aargv[j + 1] = aargv[j - 1] end
      aargv[11] = b; aargv[12] = max
      break
    end
  end
end
local a = admit(akeys, aargv)
local out = {'ok', o[2], b}
for _, v in ipairs(a) do out[#out + 1] = v end
return out
`;

/**
 * Failover, index slot: counts a failure of the provider that failed, moves the session's
 * provider membership and picks the next admissible candidate.
 * KEYS: circuit, provider zset prefix
 * ARGV: now, sid, failedPid, threshold, openMs, activeMs, keepMs, probeMs, countFailure, candidates...
 * → {'ok', providerId} | {'none', reason}
 */
export const SWITCH = `${PICK}
local circuit, pprefix = KEYS[1], KEYS[2]
local now, sid, failed = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local threshold, openMs, activeMs, keepMs, probeMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local function fail(pid)
  local c = redis.call('HGET', circuit, pid) or '0|0|0'
  local fails = tonumber(string.match(c, '^(%d+)|') or '0') + 1
  local openUntil = 0
  if fails >= threshold then openUntil = now + openMs end
  redis.call('HSET', circuit, pid, fails .. '|' .. openUntil .. '|0')
  redis.call('PEXPIRE', circuit, keepMs + openMs)
end
if ARGV[9] == '1' then fail(failed) end
redis.call('ZREM', pprefix .. failed, sid)
local cands = {}
for i = 10, #ARGV do cands[#cands + 1] = ARGV[i] end
local pid, reason = pick(circuit, pprefix, sid, now, now - activeMs, probeMs, cands, failed)
if not pid then return {'none', reason} end
local pz = pprefix .. pid
redis.call('ZADD', pz, now, sid)
redis.call('PEXPIRE', pz, keepMs)
return {'ok', pid}
`;

/**
 * Request end, session slot. KEYS: session hash, seq, bind, reqs, session key prefix
 * ARGV: now, seq, status, statusCode, durationMs, providerId, providerName, input, output,
 *       cacheCreation, cacheRead, costMicros, error, ttlMs, store, resHeaders, resBody, resBodyTruncated
 */
export const END_SESSION = `
local s, seqk, bind, reqs, pre = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, seq, ttl = ARGV[1], ARGV[2], ARGV[14]
local slack = math.floor(tonumber(ttl) * 1.25)
local req = pre .. 'req:' .. seq
local r = {'endedAt', now, 'status', ARGV[3], 'statusCode', ARGV[4], 'durationMs', ARGV[5],
  'inputTokens', ARGV[8], 'outputTokens', ARGV[9], 'cacheCreationTokens', ARGV[10], 'cacheReadTokens', ARGV[11],
  'costMicros', ARGV[12]}
if ARGV[6] ~= '' then r[#r + 1] = 'providerId'; r[#r + 1] = ARGV[6]; r[#r + 1] = 'providerName'; r[#r + 1] = ARGV[7] end
if ARGV[13] ~= '' then r[#r + 1] = 'error'; r[#r + 1] = ARGV[13] end
if ARGV[15] == '1' then
  redis.call('SET', pre .. 'resh:' .. seq, ARGV[16], 'PX', slack)
  redis.call('SET', pre .. 'resb:' .. seq, ARGV[17], 'PX', slack)
  r[#r + 1] = 'responseBodyTruncated'
  r[#r + 1] = ARGV[18]
end
redis.call('HSET', req, unpack(r))
-- the session's counters read and written back in one HSET each (the script is atomic); every
-- session hash has inFlight from its first request
local f = redis.call('HMGET', s, 'inFlight', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens',
  'costMicros', 'durationMs', 'providers', 'ttlRefreshedAt')
local exists = f[1] ~= false
local h = {}
local function add(field, i, by) h[#h + 1] = field; h[#h + 1] = string.format('%d', tonumber(f[i] or '0') + tonumber(by)) end
if exists then
  local inFlight = tonumber(f[1]) - 1
  if inFlight < 0 then inFlight = 0 end
  h = {'inFlight', inFlight, 'lastAt', now, 'lastStatus', ARGV[3]}
  add('inputTokens', 2, ARGV[8])
  add('outputTokens', 3, ARGV[9])
  add('cacheCreationTokens', 4, ARGV[10])
  add('cacheReadTokens', 5, ARGV[11])
  add('costMicros', 6, ARGV[12])
  add('durationMs', 7, ARGV[5])
  if ARGV[6] ~= '' then
    h[#h + 1] = 'providerId'; h[#h + 1] = ARGV[6]; h[#h + 1] = 'providerName'; h[#h + 1] = ARGV[7]
    local ps = cjson.decode(f[8] or '[]')
    local known = false
    for _, p in ipairs(ps) do if tostring(p.id) == ARGV[6] then known = true end end
    if not known then
      table.insert(ps, {id = tonumber(ARGV[6]), name = ARGV[7]})
      h[#h + 1] = 'providers'; h[#h + 1] = cjson.encode(ps)
    end
    if ARGV[3] == 'completed' then redis.call('SET', bind, ARGV[6], 'PX', ttl) end
  end
end
-- The session's own keys expire at lastAt + SESSION_TTL + retention. Its request keys are given
-- a quarter more and are all extended at most once per quarter (O(1) per request on average),
-- so none expires before the session and none outlives it by more than a quarter.
if now - tonumber(f[9] or '0') > slack - tonumber(ttl) then
  local last = tonumber(redis.call('GET', seqk) or seq)
  for i = 1, last do
    redis.call('PEXPIRE', pre .. 'req:' .. i, slack)
    if ARGV[15] == '1' then
      for _, part in ipairs({'reqh:', 'reqb:', 'resh:', 'resb:'}) do redis.call('PEXPIRE', pre .. part .. i, slack) end
    end
  end
  if exists then h[#h + 1] = 'ttlRefreshedAt'; h[#h + 1] = now end
end
if exists then redis.call('HSET', s, unpack(h)) end
for _, k in ipairs({s, seqk, bind, reqs}) do redis.call('PEXPIRE', k, ttl) end
return 1
`;

/**
 * Request end, index slot: releases the slot, records activity (only for sessions still indexed,
 * so a terminated session does not come back) and the provider's health.
 * KEYS: all, active, byUser, byKey, inflight, sif, circuit, provider zset prefix
 * ARGV: now, sid, member, providerId, outcome (ok|fail|none), threshold, openMs, keepMs
 */
export const END_INDEX = `
local all, active, byUser, byKey, inflight, sif, circuit, pprefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local now, sid, member, pid, outcome = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local threshold, openMs, keepMs = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
if redis.call('ZREM', inflight, member) == 1 then
  if redis.call('HINCRBY', sif, sid, -1) <= 0 then redis.call('HDEL', sif, sid) end
end
local zs = {all, active, byUser, byKey}
if pid ~= '' then zs[#zs + 1] = pprefix .. pid end
for _, z in ipairs(zs) do
  if redis.call('ZADD', z, 'XX', 'CH', now, sid) == 1 then redis.call('PEXPIRE', z, keepMs) end
end
if pid ~= '' then
  if outcome == 'ok' then
    redis.call('HDEL', circuit, pid)
  elseif outcome == 'fail' then
    local c = redis.call('HGET', circuit, pid) or '0|0|0'
    local fails = tonumber(string.match(c, '^(%d+)|') or '0') + 1
    local openUntil = 0
    if fails >= threshold then openUntil = now + openMs end
    redis.call('HSET', circuit, pid, fails .. '|' .. openUntil .. '|0')
    redis.call('PEXPIRE', circuit, keepMs + openMs)
  end
end
return 1
`;

/**
 * A session's requests in flight by their leases, once lapsed leases are released (as ADMIT does).
 * KEYS: inflight, sif. ARGV: now, sid → count
 */
export const LEASED = `${EXPIRE_LEASES}
expire_leases(KEYS[1], KEYS[2], ARGV[1])
return tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
`;

/**
 * Lease renewal for long requests. KEYS: inflight. ARGV: leaseUntil, members...
 */
export const RENEW = `
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
return 1
`;

/**
 * Terminate, session slot: tombstone, unbind. KEYS: session hash, dead, bind. ARGV: tombstone, ttlMs
 * → {'missing'} | {'ok', userId, keyId, providers JSON}
 */
export const TERMINATE_SESSION = `
local s, dead, bind = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', s) == 0 then return {'missing'} end
redis.call('SET', dead, ARGV[1], 'PX', ARGV[2])
redis.call('DEL', bind)
local f = redis.call('HMGET', s, 'userId', 'keyId', 'providers')
return {'ok', f[1] or '', f[2] or '', f[3] or '[]'}
`;

/**
 * Terminate, index slot: drops the session from every index and releases its slots.
 * KEYS: all, active, byUser, byKey, inflight, sif, provider zset prefix. ARGV: sid, providerIds...
 */
export const TERMINATE_INDEX = `
local all, active, byUser, byKey, inflight, sif, pprefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local sid = ARGV[1]
for _, z in ipairs({all, active, byUser, byKey}) do redis.call('ZREM', z, sid) end
for i = 2, #ARGV do redis.call('ZREM', pprefix .. ARGV[i], sid) end
local mark = sid .. '|'
for _, m in ipairs(redis.call('ZRANGE', inflight, 0, -1)) do
  if string.sub(m, 1, #mark) == mark then redis.call('ZREM', inflight, m) end
end
redis.call('HDEL', sif, sid)
return 1
`;
