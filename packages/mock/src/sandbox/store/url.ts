/**
 * A store URL for messages and logs: without its password or user name.
 *
 * @example
 * redactStoreUrl('redis://:s3cret@db:6379/0'); // 'redis://db:6379/0'
 */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * Checks a store URL: `redis://[user:password@]host[:port][/db]` or `rediss://...` (TLS). Returns the
 * problem as a sentence, or undefined when it is fine. Never quotes the password.
 */
export function storeUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL: use redis://host:port/db';
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    return `must start with redis:// or rediss:// (got ${u.protocol.slice(0, 20)}//)`;
  }
  if (!u.hostname) return 'has no host: use redis://host:port/db';
  if (!/^\/?(\d{1,5})?$/.test(u.pathname)) return 'must name the database as a number: redis://host:port/0';
  return undefined;
}

/** Turns a failure to reach Redis into {@link StoreUnavailableError}; a script's own error stays what it is. */
