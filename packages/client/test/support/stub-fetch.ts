import { type ClientBaseOptions, createClient } from '../../src/index.js';

/** One request as a stub `fetch` saw it. */
export interface StubCall {
  url: string;
  method: string;
  /** The headers as a server receives them: lower-case names, repeated names joined with `, `. */
  headers: Record<string, string>;
  body: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * A `fetch` that answers from a handler and records every call; the handler gets the call and
 * its index. A handler that throws makes the call fail like a network error.
 */
export function stubFetch(handler: (call: StubCall, index: number) => Response | Promise<Response>) {
  const calls: StubCall[] = [];
  const fetch = (async (url: string, init: RequestInit = {}) => {
    const call: StubCall = {
      url: String(url),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      body: init.body as string | undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    return handler(call, calls.length - 1);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** A JSON response. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A promise with its resolve function, for answers a test releases when it chooses. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects like `fetch` does when `signal` aborts, else waits for `answer`. */
export function abortable<T>(answer: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    answer.then(resolve, reject);
  });
}

/**
 * A client of a stub `fetch` (see {@link stubFetch}): a bearer token, short retry back-off, no logging;
 * `extra` overrides any option. Returns the client and the calls the stub saw.
 */
export function clientWith(handler: Parameters<typeof stubFetch>[0], extra: ClientBaseOptions = {}) {
  const stub = stubFetch(handler);
  const client = createClient({
    baseUrl: 'http://api.test',
    token: 'token-12345678',
    fetch: stub.fetch,
    backoff: { initialDelay: 1, maxDelay: 2 },
    logLevel: 'off',
    ...extra,
  });
  return { client, calls: stub.calls };
}

/** The token endpoint of the tests' key pair. */
export const TOKEN_URL = 'http://auth.test/oauth/token';

/** A client's settings for the tests' key pair, against the stubbed API and token endpoint. */
export const KEY_PAIR = {
  baseUrl: 'http://api.test',
  keyId: 'key-id',
  keySecret: 'key-secret-123',
  tokenUrl: TOKEN_URL,
} as const;

/** The User-Agent the client sends on Node.js: its name and version, and the runtime's. */
export const USER_AGENT = `sgi-client/${
  JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    .version
} node/${process.versions.node}`;
