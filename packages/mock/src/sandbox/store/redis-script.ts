import { REQUEST_LOG_BYTES } from './types.js';

/**
 * The one Lua script behind every operation of the Redis store. Redis runs a script as one atomic step:
 * no other replica's command runs in the middle of it, which is what makes two racing replicas see
 * exactly one winner. The keys are built from the prefix and the tenant (a single Redis or a primary with
 * replicas; not Redis Cluster).
 *
 * Arguments: `ARGV[1]` names the operation, `ARGV[2]` is the key prefix, `ARGV[3]` the tenants' time to
 * live (ms), `ARGV[4]` the size of a request log, `ARGV[5]` how many request-log entries the call carries
 * (n), then 4 values per entry (tenant, time, admitted `0`, `1` or the hash of the request's sandbox key, the entry as JSON), then the operation's
 * own arguments. The carried entries are appended first: a replica sends the log entries of its answered
 * requests with its next command instead of in round trips of their own.
 *
 * Keys (P = the prefix, T = a tenant: a token's SHA-256 or a sandbox key's name):
 * - `P tenants`              sorted set: tenant -> last request (ms); the tenants that exist
 * - `P usage:n`, `P usage:b` hashes: tenant -> deployments held, bytes of settings held (UTF-8)
 * - `P usage:l`              hash: tenant -> bytes of its request log
 * - `P totals`               hash: `deployments`, `bytes` (settings) and `logbytes` (request logs) held in all
 * - `P seq`                  counter: creation order of deployments
 * - `P t:T:m`                marker: the tenant exists (expires with the tenant)
 * - `P t:T:d`                hash: deployment id -> the stored record (JSON)
 * - `P t:T:sz`               hash: deployment id -> bytes of its settings
 * - `P t:T:gone`             sorted set: id of a `DELETING` deployment -> when it is gone (ms)
 * - `P t:T:log`              list: the request log, newest first, at most 100 entries and 32 KiB
 * - `P t:T:clk`              integer: how far the tenant's sandbox clock is ahead of real time (ms);
 *                            deployments' times are sandbox times, `tenants` and expiry real ones
 * - `P keys`, `P keyhash`    hashes: sandbox key name -> key (JSON); secret's SHA-256 -> name
 * - `P rate:T`               hash: the tenant's current one-second window and its requests (expires after 10 s idle)
 * - `P slots:T`              sorted set: requests in flight -> when their lease was last taken or renewed
 *
 * A tenant is gone `tenantTtlMs` after its last request (its score in `tenants`), and its `t:T:*` keys
 * expire with Redis's own key expiry (no sweeper) at most 1% of the time to live (at most 1 s) later: each
 * refresh of their expiry gives them that much more, so a tenant's reads refresh them at most once in
 * that time instead of on every request. An operation on a tenant that finds it gone (by its score, or
 * because its marker expired) forgets it, giving its counts back to `totals`; creates and stats first
 * forget every tenant that is gone, so every count they check is exact.
 */
export const STORE_SCRIPT = `
local op, P, ttl, logSize = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local logBytes = ${REQUEST_LOG_BYTES}
local carried = tonumber(ARGV[5])
-- The operation's own arguments.
local a = {}
for i = 6 + 4 * carried, #ARGV do a[#a + 1] = ARGV[i] end
local TENANTS = P .. 'tenants'
local NUSE = P .. 'usage:n'
local BUSE = P .. 'usage:b'
local LUSE = P .. 'usage:l'
local TOTALS = P .. 'totals'
local PARTS = {'m', 'd', 'sz', 'gone', 'log', 'clk'}

local function tk(t, part) return P .. 't:' .. t .. ':' .. part end
local function num(v) return tonumber(v) or 0 end
-- How long a tenant's keys live after a refresh of their expiry: the time to live and a little slack.
local life = ttl + math.min(1000, math.floor(ttl / 100))

-- The tenants this call found existing, each with the latest time it marked them used at: a carried
-- request-log entry and the operation after it are usually of one tenant, which is then looked up once.
local touched = {}

-- Forgets a tenant and everything it holds, giving its counts back.
local function forget(t)
  touched[t] = nil
  local n = num(redis.call('HGET', NUSE, t))
  local b = num(redis.call('HGET', BUSE, t))
  local l = num(redis.call('HGET', LUSE, t))
  -- Deletions first: a write that frees memory lets the counts below be written when Redis is full.
  for _, part in ipairs(PARTS) do redis.call('DEL', tk(t, part)) end
  redis.call('HDEL', NUSE, t)
  redis.call('HDEL', BUSE, t)
  redis.call('HDEL', LUSE, t)
  redis.call('ZREM', TENANTS, t)
  if n ~= 0 then redis.call('HINCRBY', TOTALS, 'deployments', -n) end
  if b ~= 0 then redis.call('HINCRBY', TOTALS, 'bytes', -b) end
  if l ~= 0 then redis.call('HINCRBY', TOTALS, 'logbytes', -l) end
end

-- Forgets every tenant whose last request is at least ttl old.
local function expire(now)
  while true do
    local old = redis.call('ZRANGEBYSCORE', TENANTS, '-inf', now - ttl, 'LIMIT', 0, 100)
    if #old == 0 then return end
    for _, t in ipairs(old) do forget(t) end
  end
end

-- Pushes the expiry of a tenant's keys to life from now. Best effort, as the mark of a tenant's activity in
-- touch: a full Redis (noeviction) refuses these writes, and a read goes on without them.
local function refresh(t)
  for _, part in ipairs(PARTS) do redis.pcall('PEXPIRE', tk(t, part), life) end
end

-- Marks an existing tenant as used at now; false when it does not exist, or is gone (its last request is
-- ttl old, or Redis expired its marker), which forgets it. Refreshes the expiry of its keys only once
-- their marker has less than ttl left: every key a write creates gets its expiry there and then.
local function touch(t, now)
  if touched[t] then
    if now > touched[t] then
      redis.pcall('ZADD', TENANTS, 'GT', now, t)
      touched[t] = now
    end
    return true
  end
  local last = redis.call('ZSCORE', TENANTS, t)
  if not last then return false end
  local left = redis.call('PTTL', tk(t, 'm'))
  if left == -2 or tonumber(last) <= now - ttl then
    forget(t)
    return false
  end
  redis.pcall('ZADD', TENANTS, 'GT', now, t)
  if left <= ttl then refresh(t) end
  touched[t] = now
  return true
end

-- The tenant's sandbox clock offset (ms): its deployments' lifecycle runs at now plus this.
local function off(t) return num(redis.call('GET', tk(t, 'clk'))) end

local function enroll(t, now)
  redis.call('ZADD', TENANTS, now, t)
  redis.call('SET', tk(t, 'm'), '1', 'PX', life)
end

-- Tenant t, seen now; enrolled if new and the sandbox has room, else the refusal (with when the oldest
-- tenant's room frees up).
local function touchOrEnroll(t, now, maxTenants)
  if touch(t, now) then return nil end
  if redis.call('ZCARD', TENANTS) >= maxTenants then
    local oldest = redis.call('ZRANGE', TENANTS, 0, 0, 'WITHSCORES')
    return {'tenant_capacity', math.max(0, tonumber(oldest[2]) + ttl - now)}
  end
  enroll(t, now)
  return nil
end

-- Removes the tenant's deployments whose deletion is over (DELETING since at least the delete delay).
local function reap(t, now)
  local due = redis.call('ZRANGEBYSCORE', tk(t, 'gone'), '-inf', now)
  if #due == 0 then return end
  local bytes = 0
  for _, id in ipairs(due) do
    bytes = bytes + num(redis.call('HGET', tk(t, 'sz'), id))
    redis.call('HDEL', tk(t, 'd'), id)
    redis.call('HDEL', tk(t, 'sz'), id)
    redis.call('ZREM', tk(t, 'gone'), id)
  end
  redis.call('HINCRBY', NUSE, t, -#due)
  redis.call('HINCRBY', BUSE, t, -bytes)
  redis.call('HINCRBY', TOTALS, 'deployments', -#due)
  redis.call('HINCRBY', TOTALS, 'bytes', -bytes)
end

-- Whether a request admitted with the sandbox key of this hash may still write as tenant t: the key
-- is still the tenant's (not revoked, nor revoked and issued again). '' for a request without a key.
local function current(t, epoch)
  return epoch == '' or redis.call('HGET', P .. 'keyhash', epoch) == t
end

-- Appends one entry to a tenant's request log (of a tenant that exists, or one of a sandbox key).
-- admitted: '0', '1', or the hash of the sandbox key the request came with (then checked).
local function appendLog(t, now, admitted, entry)
  if admitted ~= '0' and admitted ~= '1' and not current(t, admitted) then return end
  if not touch(t, now) then
    if admitted == '0' then return end
    enroll(t, now)
  end
  -- The log holds the newest entries that fit in logSize entries and logBytes bytes; its bytes count in
  -- the tenant's (usage:l) and in all (totals logbytes).
  local log = tk(t, 'log')
  local length = redis.call('LPUSH', log, entry)
  if length == 1 then
    redis.call('PEXPIRE', log, life)
    -- A log that expired on its own left its count behind.
    local stale = num(redis.call('HGET', LUSE, t))
    if stale ~= 0 then
      redis.call('HINCRBY', TOTALS, 'logbytes', -stale)
      redis.call('HDEL', LUSE, t)
    end
  end
  local held = redis.call('HINCRBY', LUSE, t, #entry)
  local added = #entry
  while length > logSize or held > logBytes do
    local dropped = redis.call('RPOP', log)
    if not dropped then break end
    length = length - 1
    held = redis.call('HINCRBY', LUSE, t, -#dropped)
    added = added - #dropped
  end
  redis.call('HINCRBY', TOTALS, 'logbytes', added)
end

-- A create takes its place in the creation order before anything else: when Redis is full (maxmemory,
-- noeviction) this first write is refused and the create fails as a whole, whatever ran before it.
local seqNext
if op == 'create' then seqNext = redis.call('INCR', P .. 'seq') - 1 end

-- A carried entry never fails the operation that carries it (a full Redis refuses the entry, not the read).
for i = 0, carried - 1 do
  local at = 6 + 4 * i
  pcall(appendLog, ARGV[at], tonumber(ARGV[at + 1]), ARGV[at + 2], ARGV[at + 3])
end

if op == 'create' then
  local t, now = a[1], tonumber(a[2])
  local maxTenants, maxPer, maxTenantBytes = tonumber(a[3]), tonumber(a[4]), tonumber(a[5])
  local maxDeployments, maxTotalBytes = tonumber(a[6]), tonumber(a[7])
  local id, size, rest, epoch = a[8], tonumber(a[9]), a[10], a[11] or ''
  if not current(t, epoch) then return {'revoked'} end
  expire(now)
  local full = touchOrEnroll(t, now, maxTenants)
  if full then return full end
  local o = off(t)
  reap(t, now + o)
  if num(redis.call('HGET', NUSE, t)) >= maxPer then return {'tenant_deployments'} end
  if num(redis.call('HGET', BUSE, t)) + size > maxTenantBytes then return {'tenant_bytes'} end
  local totals = redis.call('HMGET', TOTALS, 'deployments', 'bytes', 'logbytes')
  if num(totals[1]) >= maxDeployments then return {'total_deployments'} end
  if num(totals[2]) + num(totals[3]) + size > maxTotalBytes then return {'total_bytes'} end
  local seq = seqNext
  -- The record's times are the tenant's sandbox time, which only the script knows atomically.
  rest = (string.gsub(rest, '"@@AT@@"', string.format('%d', now + o)))
  redis.call('HSET', tk(t, 'd'), id, '{"seq":' .. seq .. ',' .. rest)
  redis.call('HSET', tk(t, 'sz'), id, size)
  redis.call('HINCRBY', NUSE, t, 1)
  redis.call('HINCRBY', BUSE, t, size)
  redis.call('HINCRBY', TOTALS, 'deployments', 1)
  redis.call('HINCRBY', TOTALS, 'bytes', size)
  refresh(t)
  return {'ok', seq, o}
end

if op == 'get' or op == 'list' then
  local t, now = a[1], tonumber(a[2])
  if not touch(t, now) then return false end
  local o = off(t)
  reap(t, now + o)
  if op == 'get' then return {o, redis.call('HGET', tk(t, 'd'), a[3])} end
  return {o, redis.call('HVALS', tk(t, 'd'))}
end

-- Compare and set: stores the new record only if the stored one is still the one the caller read.
if op == 'cas' then
  local t, now = a[1], tonumber(a[2])
  local id, expected, record, goneAt = a[3], a[4], a[5], a[6]
  if not touch(t, now) then return {'not_found'} end
  reap(t, now + off(t))
  local current = redis.call('HGET', tk(t, 'd'), id)
  if not current then return {'not_found'} end
  if current ~= expected then return {'changed', current} end
  redis.call('HSET', tk(t, 'd'), id, record)
  if goneAt ~= '' then
    redis.call('ZADD', tk(t, 'gone'), goneAt, id)
    redis.call('PEXPIRE', tk(t, 'gone'), life)
  end
  return {'ok'}
end

if op == 'reset' then
  local t, now = a[1], tonumber(a[2])
  if not touch(t, now) then return 0 end
  local count = redis.call('HLEN', tk(t, 'd'))
  local n = num(redis.call('HGET', NUSE, t))
  local b = num(redis.call('HGET', BUSE, t))
  -- Deletions first: they free memory, and let the counts be written when Redis is full.
  redis.call('DEL', tk(t, 'd'), tk(t, 'sz'), tk(t, 'gone'))
  redis.call('HINCRBY', TOTALS, 'deployments', -n)
  redis.call('HINCRBY', TOTALS, 'bytes', -b)
  redis.call('HSET', NUSE, t, 0)
  redis.call('HSET', BUSE, t, 0)
  return count
end

if op == 'clock' then
  local t, now = a[1], tonumber(a[2])
  if not touch(t, now) then return 0 end
  return off(t)
end

-- Moves a tenant's sandbox clock forward (creating the tenant, as create does, unless the sandbox is full).
if op == 'advance' then
  local t, now, ms, maxTenants = a[1], tonumber(a[2]), tonumber(a[3]), tonumber(a[4])
  expire(now)
  local full = touchOrEnroll(t, now, maxTenants)
  if full then return full end
  local offset = redis.call('INCRBY', tk(t, 'clk'), ms)
  redis.call('PEXPIRE', tk(t, 'clk'), life)
  return {'ok', offset}
end

if op == 'log-read' then
  local t, now = a[1], tonumber(a[2])
  if not touch(t, now) then return {} end
  return redis.call('LRANGE', tk(t, 'log'), 0, -1)
end

if op == 'stats' then
  expire(tonumber(a[1]))
  local totals = redis.call('HMGET', TOTALS, 'deployments', 'bytes', 'logbytes')
  return {redis.call('ZCARD', TENANTS), num(totals[1]), num(totals[2]) + num(totals[3]), redis.call('HLEN', P .. 'keys')}
end

if op == 'key-create' then
  local name, hash, key, max = a[1], a[2], a[3], tonumber(a[4])
  if redis.call('HEXISTS', P .. 'keys', name) == 1 then return 'exists' end
  if redis.call('HLEN', P .. 'keys') >= max then return 'full' end
  redis.call('HSET', P .. 'keys', name, key)
  redis.call('HSET', P .. 'keyhash', hash, name)
  return 'created'
end

if op == 'key-revoke' then
  local name = a[1]
  local key = redis.call('HGET', P .. 'keys', name)
  if not key then return 0 end
  redis.call('HDEL', P .. 'keyhash', cjson.decode(key).hash)
  redis.call('HDEL', P .. 'keys', name)
  forget(name)
  redis.call('DEL', P .. 'slots:' .. name, P .. 'rate:' .. name)
  return 1
end

-- Admits a request: finds its tenant (by a sandbox key's hash), counts it against the tenant's rate,
-- then takes a concurrency slot; answers the verdict, the tenant and the requests counted in the window.
--
-- The rate is one counter per tenant, for the current one-second window (a call from an earlier window,
-- from a replica whose clock is behind, counts against the current one). It outlives its window by far,
-- so that it never resets within one; an idle tenant's counter expires after 10 s.
-- A slot is a lease: one that a crashed replica never gave back ends after the lease's ms.
if op == 'admit' then
  local kind, who, window, limit = a[1], a[2], tonumber(a[3]), tonumber(a[4])
  local max, member, lease = tonumber(a[5]), a[6], tonumber(a[7])
  local t = who
  if kind == 'key' then
    t = redis.call('HGET', P .. 'keyhash', who)
    if not t then return {'unknown_key'} end
  end
  local used = 0
  -- A first write that needs no memory: then the small counts below are written even when Redis is full
  -- (noeviction refuses a script's first write that may grow memory, and only that one), so that a tenant
  -- can still read and reset, which is how room is made again.
  redis.call('DEL', P .. 'admit:none')
  if limit > 0 then
    local key = P .. 'rate:' .. t
    local current = tonumber(redis.call('HGET', key, 'w'))
    if current == nil or window > current then
      redis.call('HSET', key, 'w', window, 'n', 1)
      used = 1
    else
      used = redis.call('HINCRBY', key, 'n', 1)
    end
    redis.call('PEXPIRE', key, 10000)
    if used > limit then return {'rate_limit', t, used} end
  end
  if max > 0 then
    local key = P .. 'slots:' .. t
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - lease)
    if redis.call('ZCARD', key) >= max then return {'concurrency_limit', t, used} end
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, lease)
  end
  return {'ok', t, used}
end

-- Renews the slots of a replica's requests in flight (tenant, lease pairs): each lasts a lease from now.
-- A slot already ended (expired, or given back) is not taken again.
if op == 'renew' then
  local lease = tonumber(a[1])
  -- As in admit: renewals are written even when Redis is full.
  redis.call('DEL', P .. 'admit:none')
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  for i = 2, #a - 1, 2 do
    local key = P .. 'slots:' .. a[i]
    if redis.call('ZADD', key, 'XX', 'CH', now, a[i + 1]) == 1 then redis.call('PEXPIRE', key, lease) end
  end
  return 1
end

-- Gives back a request's concurrency slot (its log entry comes carried with it).
if op == 'release' then
  return redis.call('ZREM', P .. 'slots:' .. a[1], a[2])
end

-- Nothing but the carried request-log entries.
if op == 'flush' then return carried end

return redis.error_reply('sgi-mock store script: unknown operation ' .. tostring(op))
`;
