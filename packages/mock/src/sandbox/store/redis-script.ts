/**
 * The one Lua script behind every operation of the Redis store. Redis runs a script as one atomic step:
 * no other replica's command runs in the middle of it, which is what makes two racing replicas see
 * exactly one winner. `ARGV[1]` names the operation, `ARGV[2]` is the key prefix; the keys are built
 * from the prefix and the tenant (a single Redis or a primary with replicas; not Redis Cluster).
 *
 * Keys (P = the prefix, T = a tenant: a token's SHA-256 or a sandbox key's name):
 * - `P tenants`              sorted set: tenant -> last request (ms); the tenants that exist
 * - `P usage:n`, `P usage:b` hashes: tenant -> deployments held, bytes of settings held
 * - `P totals`               hash: `deployments`, `bytes` held in all
 * - `P seq`                  counter: creation order of deployments
 * - `P t:T:m`                marker: the tenant exists (expires with the tenant)
 * - `P t:T:d`                hash: deployment id -> the stored record (JSON)
 * - `P t:T:sz`               hash: deployment id -> bytes of its settings
 * - `P t:T:gone`             sorted set: id of a `DELETING` deployment -> when it is gone (ms)
 * - `P t:T:log`              list: the request log, newest first, at most 100
 * - `P keys`, `P keyhash`    hashes: sandbox key name -> key (JSON); secret's SHA-256 -> name
 * - `P rate:T`               hash: the tenant's current one-second window and its requests (expires after 10 s idle)
 * - `P slots:T`              sorted set: requests in flight -> when they started (leases)
 *
 * The `t:T:*` keys expire `tenantTtlMs` after the tenant's last request (Redis key expiry, no sweeper);
 * the tenant's entries in `tenants`/`usage:*` are removed by the next operation that finds it expired
 * (by the clock or because its marker expired), which also gives its counts back to `totals`.
 */
export const STORE_SCRIPT = `
local op = ARGV[1]
local P = ARGV[2]
local TENANTS = P .. 'tenants'
local NUSE = P .. 'usage:n'
local BUSE = P .. 'usage:b'
local TOTALS = P .. 'totals'
local PARTS = {'m', 'd', 'sz', 'gone', 'log'}

local function tk(t, part) return P .. 't:' .. t .. ':' .. part end
local function num(v) return tonumber(v) or 0 end

-- Forgets a tenant and everything it holds, giving its counts back.
local function forget(t)
  local n = num(redis.call('HGET', NUSE, t))
  local b = num(redis.call('HGET', BUSE, t))
  if n ~= 0 then redis.call('HINCRBY', TOTALS, 'deployments', -n) end
  if b ~= 0 then redis.call('HINCRBY', TOTALS, 'bytes', -b) end
  redis.call('HDEL', NUSE, t)
  redis.call('HDEL', BUSE, t)
  redis.call('ZREM', TENANTS, t)
  for _, part in ipairs(PARTS) do redis.call('DEL', tk(t, part)) end
end

-- Forgets every tenant whose last request is at least ttl old.
local function expire(now, ttl)
  while true do
    local old = redis.call('ZRANGEBYSCORE', TENANTS, '-inf', now - ttl, 'LIMIT', 0, 100)
    if #old == 0 then return end
    for _, t in ipairs(old) do forget(t) end
  end
end

-- Pushes the expiry of a tenant's keys to ttl from now.
local function refresh(t, ttl)
  for _, part in ipairs(PARTS) do redis.call('PEXPIRE', tk(t, part), ttl) end
end

-- Marks an existing tenant as used at now; false when it does not exist (or Redis expired it).
local function touch(t, now, ttl)
  if not redis.call('ZSCORE', TENANTS, t) then return false end
  if redis.call('EXISTS', tk(t, 'm')) == 0 then
    forget(t)
    return false
  end
  redis.call('ZADD', TENANTS, 'GT', now, t)
  refresh(t, ttl)
  return true
end

local function admit(t, now, ttl)
  redis.call('ZADD', TENANTS, now, t)
  redis.call('SET', tk(t, 'm'), '1', 'PX', ttl)
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

if op == 'create' then
  local t, now, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  local maxTenants, maxPer, maxTenantBytes = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  local maxDeployments, maxTotalBytes = tonumber(ARGV[9]), tonumber(ARGV[10])
  local id, size, rest = ARGV[11], tonumber(ARGV[12]), ARGV[13]
  expire(now, ttl)
  if not touch(t, now, ttl) then
    if redis.call('ZCARD', TENANTS) >= maxTenants then
      local oldest = redis.call('ZRANGE', TENANTS, 0, 0, 'WITHSCORES')
      return {'tenant_capacity', math.max(0, tonumber(oldest[2]) + ttl - now)}
    end
    admit(t, now, ttl)
  end
  reap(t, now)
  if num(redis.call('HGET', NUSE, t)) >= maxPer then return {'tenant_deployments'} end
  if num(redis.call('HGET', BUSE, t)) + size > maxTenantBytes then return {'tenant_bytes'} end
  local totals = redis.call('HMGET', TOTALS, 'deployments', 'bytes')
  if num(totals[1]) >= maxDeployments then return {'total_deployments'} end
  if num(totals[2]) + size > maxTotalBytes then return {'total_bytes'} end
  local seq = redis.call('INCR', P .. 'seq') - 1
  redis.call('HSET', tk(t, 'd'), id, '{"seq":' .. seq .. ',' .. rest)
  redis.call('HSET', tk(t, 'sz'), id, size)
  redis.call('HINCRBY', NUSE, t, 1)
  redis.call('HINCRBY', BUSE, t, size)
  redis.call('HINCRBY', TOTALS, 'deployments', 1)
  redis.call('HINCRBY', TOTALS, 'bytes', size)
  refresh(t, ttl)
  return {'ok', seq}
end

if op == 'get' or op == 'list' then
  local t, now, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  expire(now, ttl)
  if not touch(t, now, ttl) then return false end
  reap(t, now)
  if op == 'get' then return redis.call('HGET', tk(t, 'd'), ARGV[6]) end
  return redis.call('HVALS', tk(t, 'd'))
end

-- Compare and set: stores the new record only if the stored one is still the one the caller read.
if op == 'cas' then
  local t, now, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  local id, expected, record, goneAt = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
  expire(now, ttl)
  if not touch(t, now, ttl) then return {'not_found'} end
  reap(t, now)
  local current = redis.call('HGET', tk(t, 'd'), id)
  if not current then return {'not_found'} end
  if current ~= expected then return {'changed', current} end
  redis.call('HSET', tk(t, 'd'), id, record)
  if goneAt ~= '' then redis.call('ZADD', tk(t, 'gone'), goneAt, id) end
  refresh(t, ttl)
  return {'ok'}
end

if op == 'reset' then
  local t, now, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  expire(now, ttl)
  if not touch(t, now, ttl) then return 0 end
  local count = redis.call('HLEN', tk(t, 'd'))
  local n = num(redis.call('HGET', NUSE, t))
  local b = num(redis.call('HGET', BUSE, t))
  redis.call('HINCRBY', TOTALS, 'deployments', -n)
  redis.call('HINCRBY', TOTALS, 'bytes', -b)
  redis.call('HSET', NUSE, t, 0)
  redis.call('HSET', BUSE, t, 0)
  redis.call('DEL', tk(t, 'd'), tk(t, 'sz'), tk(t, 'gone'))
  return count
end

if op == 'log-append' then
  local t, now, ttl, admitted, entry = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
  expire(now, ttl)
  if not touch(t, now, ttl) then
    if admitted ~= '1' then return 0 end
    admit(t, now, ttl)
  end
  redis.call('LPUSH', tk(t, 'log'), entry)
  redis.call('LTRIM', tk(t, 'log'), 0, tonumber(ARGV[8]) - 1)
  redis.call('PEXPIRE', tk(t, 'log'), ttl)
  return 1
end

if op == 'log-read' then
  local t, now, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  expire(now, ttl)
  if not touch(t, now, ttl) then return {} end
  return redis.call('LRANGE', tk(t, 'log'), 0, -1)
end

if op == 'stats' then
  expire(tonumber(ARGV[3]), tonumber(ARGV[4]))
  local totals = redis.call('HMGET', TOTALS, 'deployments', 'bytes')
  return {redis.call('ZCARD', TENANTS), num(totals[1]), num(totals[2]), redis.call('HLEN', P .. 'keys')}
end

if op == 'key-create' then
  local name, hash, key, max = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
  if redis.call('HEXISTS', P .. 'keys', name) == 1 then return 'exists' end
  if redis.call('HLEN', P .. 'keys') >= max then return 'full' end
  redis.call('HSET', P .. 'keys', name, key)
  redis.call('HSET', P .. 'keyhash', hash, name)
  return 'created'
end

if op == 'key-find' then
  local name = redis.call('HGET', P .. 'keyhash', ARGV[3])
  if not name then return false end
  return redis.call('HGET', P .. 'keys', name)
end

if op == 'key-revoke' then
  local name = ARGV[3]
  local key = redis.call('HGET', P .. 'keys', name)
  if not key then return 0 end
  redis.call('HDEL', P .. 'keyhash', cjson.decode(key).hash)
  redis.call('HDEL', P .. 'keys', name)
  forget(name)
  return 1
end

-- One counter per tenant, for the current one-second window (a call from an earlier window, from a
-- replica whose clock is behind, counts against the current one). It outlives its window by far, so
-- that it never resets within one; an idle tenant's counter expires after 10 s.
if op == 'rate' then
  local key, window = P .. 'rate:' .. ARGV[3], tonumber(ARGV[4])
  local current = tonumber(redis.call('HGET', key, 'w'))
  local used
  if current == nil or window > current then
    redis.call('HSET', key, 'w', window, 'n', 1)
    used = 1
  else
    used = redis.call('HINCRBY', key, 'n', 1)
  end
  redis.call('PEXPIRE', key, 10000)
  return used
end

-- A slot is a lease: one that a crashed replica never gave back ends after lease ms.
if op == 'slot-acquire' then
  local key, max, member, lease = P .. 'slots:' .. ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - lease)
  if redis.call('ZCARD', key) >= max then return 0 end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, lease)
  return 1
end

if op == 'slot-release' then
  return redis.call('ZREM', P .. 'slots:' .. ARGV[3], ARGV[4])
end

return redis.error_reply('sgi-mock store script: unknown operation ' .. tostring(op))
`;
