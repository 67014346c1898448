import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CommandResult } from './keys-command.js';
import { IDENTITY_ACCEPT_SCRIPT } from './sandbox/store/identity.js';
import { redactStoreUrl, storeUrlProblem } from './sandbox/store/url.js';

/** The `sgi-mock store` help text. */
export const STORE_HELP = `Usage: sgi-mock store status    show the store's identity, and the identities replicas expected instead
       sgi-mock store accept    accept the store as it is: replicas that found it emptied or replaced serve from it again

A replica that finds its Redis store emptied (restarted without persistence) or replaced (another
Redis on the address) answers 503 and reports not ready, rather than lock every partner out. Restore
the original store, or accept the one there now (its partners' keys must be issued again if it is empty).
Options:
  --store <url>   the Redis store (default: SGI_MOCK_STORE)
`;

/** The key prefix the command line's sandbox uses. */
const PREFIX = 'sgi-mock:';

/**
 * Runs `sgi-mock store status|accept` against the shared store itself (not through a replica: the
 * replicas refuse to serve from a store they do not know).
 */
export async function storeCommand(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<CommandResult> {
  const usage = (why: string) => ({ code: 2, out: '', err: `sgi-mock store: ${why}\n\n${STORE_HELP}` });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { code: 0, out: STORE_HELP, err: '' };
  const [action, ...rest] = positionals;
  if (rest.length > 0) return usage(`unexpected argument '${rest[0]}'.`);
  if (action !== 'status' && action !== 'accept')
    return usage(action ? `unknown action '${action}'.` : 'say what to do: status or accept.');
  const url = values.store ?? (env.SGI_MOCK_STORE || undefined);
  if (!url) return usage('the store is missing: pass --store or set SGI_MOCK_STORE.');
  const problem = storeUrlProblem(url);
  if (problem) return usage(`the store must be a Redis URL such as redis://127.0.0.1:6379/0: it ${problem}.`);
  const where = redactStoreUrl(url);
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    if (action === 'status') {
      const [id, expected, replaces] = await Promise.all([
        redis.get(`${PREFIX}store:id`),
        redis.smembers(`${PREFIX}store:expected`),
        redis.smembers(`${PREFIX}store:replaces`),
      ]);
      const lines = [
        `store ${where}: identity ${id ?? '(none: not used yet, or emptied)'}`,
        expected.length > 0
          ? `replicas expected instead: ${expected.sort().join(', ')} (they answer 503 until that store is back, or 'sgi-mock store accept')`
          : 'no replica expects another store',
        ...(replaces.length > 0 ? [`accepted in place of: ${replaces.sort().join(', ')}`] : []),
      ];
      return { code: expected.length > 0 ? 3 : 0, out: `${lines.join('\n')}\n`, err: '' };
    }
    const [id, replaced] = (await redis.eval(IDENTITY_ACCEPT_SCRIPT, 0, PREFIX, randomUUID())) as [
      string,
      string,
    ];
    const was = replaced ? replaced.split(',').filter((e) => e !== id) : [];
    return {
      code: 0,
      out: `store ${where} accepted: identity ${id}${
        was.length > 0 ? `, in place of ${was.sort().join(', ')}` : ''
      }. Replicas serve from it within a second.\n`,
      err: '',
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      code: 1,
      out: '',
      err: `sgi-mock store: cannot use ${where}: ${code ?? (error as Error).message}\n`,
    };
  } finally {
    redis.disconnect();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { store: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}
