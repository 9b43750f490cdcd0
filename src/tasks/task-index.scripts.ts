/**
 * The Lua scripts of TaskIndex. Every script gets the same keys: KEYS[1] the task's record (a
 * hash), KEYS[2] the owner's tasks by creation time, KEYS[3] the owner's tasks by expiry time,
 * KEYS[4..8] the owner's tasks of each status (TASK_STATUSES order) by creation time. Times are
 * Redis's own clock (TIME), the one its key expiry follows. Each script first drops the owner's
 * index entries whose time has passed (their records have expired with them), a bounded number
 * at a time, so the indexes shrink as tasks expire without a sweeper.
 */

const PRELUDE = `
local statuses = { queued = 4, processing = 5, completed = 6, failed = 7, cancelled = 8 }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 256)
if #expired > 0 then
  for i = 2, 8 do redis.call('ZREM', KEYS[i], unpack(expired)) end
end
`;

/**
 * Writes a status: ARGV = task id, status, creation time (ms; a record's own wins), lifetime from
 * now (ms), guard, then field/value pairs. Guards: 'any'; 'unfinished' (not over a final status);
 * 'live' (only an existing, unfinished record). A final status records its expiry as expires_at.
 * Returns 1 when written, 0 when the guard refused.
 */
export const WRITE_STATUS = `${PRELUDE}
local id, status, ttl, guard = ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[5]
local current = redis.call('HGET', KEYS[1], 'status')
local final = current == 'completed' or current == 'failed' or current == 'cancelled'
if guard == 'unfinished' and final then return 0 end
if guard == 'live' and (not current or final) then return 0 end
local created = redis.call('HGET', KEYS[1], 'created_at') or ARGV[3]
local expiresAt = now + ttl
local fields = { 'status', status, 'created_at', created }
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
if status == 'completed' or status == 'failed' or status == 'cancelled' then
  fields[#fields + 1] = 'expires_at'
  fields[#fields + 1] = tostring(expiresAt)
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIREAT', KEYS[1], expiresAt)
for i = 4, 8 do redis.call('ZREM', KEYS[i], id) end
redis.call('ZADD', KEYS[2], created, id)
redis.call('ZADD', KEYS[statuses[status]], created, id)
redis.call('ZADD', KEYS[3], expiresAt, id)
-- The indexes live as long as their longest-lived task (NX for a fresh key, which has no expiry).
for _, i in ipairs({ 2, 3, statuses[status] }) do
  redis.call('PEXPIREAT', KEYS[i], expiresAt, 'NX')
  redis.call('PEXPIREAT', KEYS[i], expiresAt, 'GT')
end
return 1
`;

/** Records the delivery time of an existing record. ARGV = task id. */
export const MARK_DELIVERED = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'delivered_at', tostring(now))
return 1
`;

/** Deletes a record and its index entries. ARGV = task id. */
export const REMOVE = `${PRELUDE}
redis.call('DEL', KEYS[1])
for i = 2, 8 do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`;

/** The record fields a listing returns, in this order after the id and the creation time. */
export const LISTED_FIELDS = [
  'owner',
  'kind',
  'status',
  'file_name',
  'started_at',
  'finished_at',
  'delivered_at',
  'expires_at',
  'audio_seconds',
] as const;

/**
 * One page, newest first: ARGV = index to page (2 for all, 4..8 for a status), page size, cursor
 * creation time and id ('' for the first page), record key prefix, owner. Order is creation time,
 * then id, both descending (Redis's order of equal scores, reversed), so a cursor (time, id)
 * continues exactly where its page ended. Entries whose record is gone are dropped from the
 * indexes. Returns the next cursor's time and id ('' when this page is the last), then for each
 * task its id, creation time and LISTED_FIELDS.
 */
export const LIST_PAGE = `${PRELUDE}
local index = KEYS[tonumber(ARGV[1])]
local limit = tonumber(ARGV[2])
local cursorTime, cursorId, recordPrefix, owner = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local fields = { ${LISTED_FIELDS.map((name) => `'${name}'`).join(', ')} }
local out, found, stale = {}, 0, {}
local lastTime, lastId = '', ''
local more = false
local function consider(id, created)
  if found == limit then more = true return end
  local values = redis.call('HMGET', recordPrefix .. id, unpack(fields))
  if not values[1] then stale[#stale + 1] = id return end
  if values[1] ~= owner then return end
  found = found + 1
  lastTime, lastId = created, id
  out[#out + 1] = id
  out[#out + 1] = created
  for i = 1, #fields do out[#out + 1] = values[i] or '' end
end
local upper = '+inf'
if cursorTime ~= '' then
  upper = '(' .. cursorTime
  local ties = redis.call('ZRANGE', index, cursorTime, cursorTime, 'BYSCORE', 'REV')
  for _, id in ipairs(ties) do
    if id < cursorId and not more then consider(id, cursorTime) end
  end
end
local offset, batch = 0, limit + 1
while not more do
  local page = redis.call('ZRANGE', index, upper, '-inf', 'BYSCORE', 'REV', 'LIMIT', offset, batch, 'WITHSCORES')
  if #page == 0 then break end
  for i = 1, #page, 2 do
    if more then break end
    consider(page[i], page[i + 1])
  end
  offset = offset + #page / 2
end
if #stale > 0 then
  for i = 2, 8 do redis.call('ZREM', KEYS[i], unpack(stale)) end
end
if not more then lastTime, lastId = '', '' end
table.insert(out, 1, lastId)
table.insert(out, 1, lastTime)
return out
`;
