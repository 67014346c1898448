/**
 * The identity of a shared store: a random id written into the store at its first use, under the key
 * prefix (`P store:id`). Each replica remembers the id it found; a store that no longer holds it was
 * emptied (a Redis restarted without persistence) or replaced (another Redis on the address), and the
 * replica stops serving from it (503, not ready) rather than lock every partner out of a store without
 * their keys. It notes the id it expected in the store (`P store:expected`), so that a replica started
 * later does not take the wrong store for a new one either. It serves again when the original store is
 * back, or once an operator accepts the store it finds (`sgi-mock store accept`), which records the ids
 * it replaces (`P store:replaces`).
 *
 * Keys (P = the prefix): `P store:id` string; `P store:expected` set; `P store:replaces` set.
 */

/**
 * Checks the store against the id a replica expects. `ARGV[1]` the prefix, `ARGV[2]` the id expected (`''`
 * for a replica that has none yet), `ARGV[3]` a fresh id, written when the store has none and nobody
 * expects another. Answers `{verdict, id found ('' for none), ids expected (comma list)}`, the verdict
 * `ok`, `wiped` (no id, or a new store a replica expected another in place of) or `changed`.
 */
export const IDENTITY_CHECK_SCRIPT = `
local P, want, fresh = ARGV[1], ARGV[2], ARGV[3]
local ID, EXPECTED, REPLACES = P .. 'store:id', P .. 'store:expected', P .. 'store:replaces'
local cur = redis.call('GET', ID)
if want == '' then
  if redis.call('SCARD', EXPECTED) > 0 then
    return {cur and 'changed' or 'wiped', cur or '', table.concat(redis.call('SMEMBERS', EXPECTED), ',')}
  end
  if not cur then
    redis.call('SET', ID, fresh)
    cur = fresh
  end
  return {'ok', cur, ''}
end
if cur == want then return {'ok', cur, ''} end
if cur and redis.call('SISMEMBER', REPLACES, want) == 1 then return {'ok', cur, ''} end
redis.call('SADD', EXPECTED, want)
return {cur and 'changed' or 'wiped', cur or '', want}
`;

/**
 * Accepts the store as it is: gives it an id if it has none, and records every id replicas expected as
 * replaced by it, so that they serve from it again. `ARGV[1]` the prefix, `ARGV[2]` a fresh id. Answers
 * `{id, ids it replaces (comma list)}`.
 */
export const IDENTITY_ACCEPT_SCRIPT = `
local P, fresh = ARGV[1], ARGV[2]
local ID, EXPECTED, REPLACES = P .. 'store:id', P .. 'store:expected', P .. 'store:replaces'
local cur = redis.call('GET', ID)
if not cur then
  redis.call('SET', ID, fresh)
  cur = fresh
end
local expected = redis.call('SMEMBERS', EXPECTED)
for _, e in ipairs(expected) do
  if e ~= cur then redis.call('SADD', REPLACES, e) end
end
redis.call('DEL', EXPECTED)
return {cur, table.concat(expected, ',')}
`;

/** What a check found: the store is the one expected, or why it is not. */
export type IdentityVerdict =
  | { ok: true; id: string }
  | { ok: false; kind: 'wiped' | 'changed'; found: string; expected: string[] };

/** Reads the answer of {@link IDENTITY_CHECK_SCRIPT}. */
export function identityVerdict(answer: unknown): IdentityVerdict {
  const [verdict, found, expected] = answer as [string, string, string];
  if (verdict === 'ok') return { ok: true, id: found };
  return {
    ok: false,
    kind: verdict === 'changed' ? 'changed' : 'wiped',
    found,
    expected: expected ? expected.split(',') : [],
  };
}

/** What partners are told (503) while the store is not the one expected: the cause, no address. */
export function identityProblem(verdict: Extract<IdentityVerdict, { ok: false }>): string {
  return verdict.kind === 'wiped'
    ? "Not ready: the sandbox's state store was emptied or replaced by an empty one, so its keys and deployments are missing; the operator must restore it or accept the new one."
    : "Not ready: the sandbox's state store was replaced by another one, which does not hold its keys and deployments; the operator must restore it or accept the new one.";
}
