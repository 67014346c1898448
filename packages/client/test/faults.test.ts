import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  createClient,
  InternalServerError,
  RateLimitError,
  type ScaleGenClient,
  ScaleGenError,
} from '../src/index.js';
import { ALL_FAULTS, type Fault, startFaultServer } from './support/fault-server.js';

// Fault injection against a loopback server of the tests' own. Each case bounds its attempts
// (maxRetries 2 = at most 3) and its time (short timeouts and delays); nothing asserts a duration.
let server: Awaited<ReturnType<typeof startFaultServer>>;
let client: ScaleGenClient;
const logs: string[] = [];
const body = {
  name: 'bge',
  model: 'BAAI/bge-large-en-v1.5',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI' as const, region: 'US' },
};

beforeAll(async () => {
  server = await startFaultServer();
  client = createClient({
    baseUrl: server.url,
    token: 'fault-token',
    fetch: server.fetch,
    timeout: 2000,
    maxRetries: 2,
    backoff: { initialDelay: 1, maxDelay: 4, maxRetryAfter: 7 },
    logger: { info: (m) => logs.push(m) },
    logLevel: 'info',
  });
});
afterAll(() => server.close());
beforeEach(() => {
  logs.length = 0;
});

type Outcome = 'ok' | (abstract new (...args: never[]) => Error);
interface Case {
  faults: Fault[];
  /**
   * Per-attempt timeout for the cases with slow headers (the server waits 5 s): short, yet long
   * enough for the attempt that follows to succeed on a busy machine.
   */
  timeout?: number;
  get: [Outcome, number];
  create: [Outcome, number, number];
}

// [outcome, attempts the server saw] for get; [outcome, attempts, deployments created] for create.
const cases: Record<string, Case> = {
  '500 then success': { faults: ['500'], get: ['ok', 2], create: [InternalServerError, 1, 1] },
  '502 then success': { faults: ['502'], get: ['ok', 2], create: [InternalServerError, 1, 1] },
  '503 without Retry-After then success': {
    faults: ['503'],
    get: ['ok', 2],
    create: [InternalServerError, 1, 1],
  },
  '503 with Retry-After then success': { faults: ['503-retry-after'], get: ['ok', 2], create: ['ok', 2, 1] },
  '504 then success': { faults: ['504'], get: ['ok', 2], create: [InternalServerError, 1, 1] },
  '429 with Retry-After in seconds then success': {
    faults: ['429-seconds'],
    get: ['ok', 2],
    create: ['ok', 2, 1],
  },
  '429 with Retry-After as a date then success': {
    faults: ['429-date'],
    get: ['ok', 2],
    create: ['ok', 2, 1],
  },
  '429 three times': {
    faults: ['429-seconds', '429-seconds', '429-seconds'],
    get: [RateLimitError, 3],
    create: [RateLimitError, 3, 0],
  },
  'connection refused then success': { faults: ['refused'], get: ['ok', 1], create: ['ok', 1, 1] },
  'reset before the body is read, then success': {
    faults: ['reset-before-body'],
    get: ['ok', 2],
    create: [APIConnectionError, 1, 0],
  },
  'reset after the body is read, then success': {
    faults: ['reset-after-body'],
    get: ['ok', 2],
    create: [APIConnectionError, 1, 1],
  },
  'slow headers past the timeout, then success': {
    faults: ['slow-headers'],
    timeout: 500,
    get: ['ok', 2],
    create: [APIConnectionTimeoutError, 1, 1],
  },
  'slow headers every time': {
    faults: ['slow-headers', 'slow-headers', 'slow-headers'],
    timeout: 100,
    get: [APIConnectionTimeoutError, 3],
    create: [APIConnectionTimeoutError, 1, 1],
  },
  'truncated JSON (connection cut), then success': {
    faults: ['truncated-json'],
    get: ['ok', 2],
    create: [APIConnectionError, 1, 1],
  },
  'invalid JSON in a 200, then success': {
    faults: ['invalid-json'],
    get: ['ok', 2],
    create: [APIError, 1, 1],
  },
  'HTML error page every time': {
    faults: ['html-502', 'html-502', 'html-502'],
    get: [InternalServerError, 3],
    create: [InternalServerError, 1, 1],
  },
  'plain-text 500 every time': {
    faults: ['text-500', 'text-500', 'text-500'],
    get: [InternalServerError, 3],
    create: [InternalServerError, 1, 1],
  },
  '2xx with success false': { faults: ['success-false'], get: [APIError, 1], create: [APIError, 1, 0] },
};

async function outcome(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => 'ok',
    (e) => e,
  );
}

function expectOutcome(result: unknown, expected: Outcome) {
  if (expected === 'ok') expect(result).toBe('ok');
  else {
    expect(result).toBeInstanceOf(expected);
    // The most specific class: a 500 is not reported as a plain APIError, and so on.
    expect((result as Error).constructor).toBe(expected);
  }
}

/** Each case must end, in success or in its error, well within this many ms. */
const DEADLINE = 5_000;

describe.each(Object.entries(cases))('%s', (name, c) => {
  it(
    `get: ${c.get[0] === 'ok' ? 'succeeds' : c.get[0].name} after ${c.get[1]} attempt(s)`,
    async () => {
      server.reset(c.faults);
      expectOutcome(await outcome(client.inference.get('dep-1', { timeout: c.timeout })), c.get[0]);
      expect(server.requests.length).toBe(c.get[1]);
      // Every retry says which one it is; a refused first attempt never reached the server.
      const skipped = c.faults[0] === 'refused' ? 1 : 0;
      expect(server.requests.map((r) => r.retryCount)).toEqual(
        server.requests.map((_, i) => (i + skipped === 0 ? undefined : String(i + skipped))),
      );
    },
    DEADLINE,
  );

  it(
    `create: ${c.create[0] === 'ok' ? 'succeeds' : c.create[0].name}, ${c.create[2]} deployment(s) created`,
    async () => {
      server.reset(c.faults);
      const headers = { 'x-test-call': name };
      expectOutcome(
        await outcome(client.inference.create(body, { timeout: c.timeout, headers })),
        c.create[0],
      );
      expect(server.requests.length).toBe(c.create[1]);
      expect(server.createdByCall.get(name) ?? 0).toBe(c.create[2]);
    },
    DEADLINE,
  );
});

describe('error details', () => {
  it('an HTML error page gives a one-line message with its title', async () => {
    server.reset(['html-502']);
    const err = await client.inference.create(body).catch((e) => e);
    expect(err.message).toBe('inference.create failed with HTTP 502: text/html response: 502 Bad Gateway');
    expect(err.status).toBe(502);
  });

  it('a plain-text 500 gives its text', async () => {
    server.reset(['text-500']);
    const err = await client.inference.create(body).catch((e) => e);
    expect(err.message).toBe(
      'inference.create failed with HTTP 500: text/plain response: Internal Server Error',
    );
    expect(err.body).toBe('Internal Server Error');
  });

  it('a Retry-After hint is honoured up to the cap (7 ms here), in seconds and as a date', async () => {
    server.reset(['429-seconds', '429-date']);
    await client.inference.list();
    expect(logs.filter((l) => l.includes('retry'))).toEqual([
      expect.stringMatching(/inference\.list: .*HTTP 429.*; retry 1 of 2 in 7 ms$/),
      expect.stringMatching(/inference\.list: .*HTTP 429.*; retry 2 of 2 in 7 ms$/),
    ]);
  });

  it('per-call maxRetries overrides the client setting', async () => {
    server.reset(['500', '500', '500']);
    await expect(client.inference.get('dep-1', { maxRetries: 0 })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests.length).toBe(1);
  });

  it('aborting during an attempt stops at once, with no further attempt', async () => {
    server.reset(['slow-headers', 'slow-headers', 'slow-headers']);
    const ac = new AbortController();
    const call = client.inference.get('dep-1', { signal: ac.signal, timeout: 0 });
    // Abort once the attempt is at the server (not after a fixed delay, which a busy machine may outrun).
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const err = await call.catch((e) => e);
    expect(err.name).toBe('APIUserAbortError');
    expect(server.requests.length).toBe(1);
  });
});

describe('randomized fault schedules', () => {
  /** Time limits at or above what a timer can wait (2^31-1 ms): no limit, never a 1 ms deadline. */
  const HUGE = [2 ** 31 - 1, 2 ** 31, 25 * 86_400_000, Number.MAX_SAFE_INTEGER, Infinity];
  /** Options a user may pass by mistake (`Number(process.env.UNSET)` is NaN). */
  const INVALID: [string, number][] = [
    ['timeout', Number.NaN],
    ['timeout', -1],
    ['maxRetries', Number.NaN],
    ['maxRetries', -1],
    ['maxRetries', 1.5],
    ['maxRetries', Infinity],
  ];
  type Drawn =
    | { kind: 'short' | 'huge'; timeout: number; maxRetries: number }
    | { kind: 'invalid'; option: [string, number] };
  const drawn: fc.Arbitrary<Drawn> = fc.oneof(
    fc.record({
      kind: fc.constant('short' as const),
      timeout: fc.constant(50),
      maxRetries: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({
      kind: fc.constant('huge' as const),
      timeout: fc.constantFrom(...HUGE),
      maxRetries: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant('invalid' as const), option: fc.constantFrom(...INVALID) }),
  );

  it('no create call ever makes more than one deployment; invalid options send nothing; huge timeouts never fire (200 schedules)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...ALL_FAULTS), { maxLength: 4 }),
        drawn,
        async (drawnFaults, o) => {
          // Without a time limit, a server that answers after 5 s would be waited for: not drawn then.
          const faults = o.kind === 'huge' ? drawnFaults.filter((f) => f !== 'slow-headers') : drawnFaults;
          server.reset(faults);
          const call = String(++run);
          const headers = { 'x-test-call': call };
          const options =
            o.kind === 'invalid'
              ? { timeout: 50, maxRetries: 3, [o.option[0]]: o.option[1], headers }
              : { timeout: o.timeout, maxRetries: o.maxRetries, headers };
          const result = await outcome(client.inference.create(body, options));
          const created = server.createdByCall.get(call) ?? 0;
          expect(created).toBeLessThanOrEqual(1);
          if (o.kind === 'invalid') {
            expect((result as Error).constructor).toBe(ScaleGenError);
            expect((result as Error).message).toBe(
              `inference.create: ${o.option[0]} must be a ${o.option[0] === 'maxRetries' ? 'whole ' : ''}number >= 0, not ${o.option[1]}`,
            );
            expect(server.requests).toEqual([]);
            return;
          }
          if (o.kind === 'huge') expect(result).not.toBeInstanceOf(APIConnectionTimeoutError);
          if (result === 'ok') expect(created).toBe(1);
          else expect(result).toBeInstanceOf(Error);
        },
      ),
      { numRuns: 200 },
    );
    expect(run).toBe(200);
  }, 120_000);
});

describe('randomized fault schedules with a key pair', () => {
  // Faults at the token endpoint and at the API in one schedule: each request the client makes
  // (exchange or API call) takes the next fault. A 401 from the API makes the client exchange again.
  const FAULTS: Fault[] = [...ALL_FAULTS, '401'];
  type Abort = { ticks: number } | { atRequest: number } | null;
  const abort: fc.Arbitrary<Abort> = fc.oneof(
    fc.constant(null),
    fc.record({ ticks: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ atRequest: fc.integer({ min: 0, max: 4 }) }),
  );

  it('never more than one create per call, and never a create sent after an abort (120 schedules)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FAULTS), { maxLength: 6 }),
        abort,
        async (faults, when) => {
          server.reset(faults);
          const call = `keys-${++run}`;
          const ac = new AbortController();
          let requests = 0;
          let sentAfterAbort = 0;
          const client = createClient({
            baseUrl: server.url,
            keyId: 'fault-key-id',
            keySecret: 'fault-key-secret',
            tokenUrl: `${server.url}/oauth/token`,
            fetch: (url, init) => {
              if (ac.signal.aborted && url.endsWith('/sg_inf/create')) sentAfterAbort++;
              // An abort at the very moment a request goes out (the exchange or the create).
              if (when && 'atRequest' in when && requests === when.atRequest) ac.abort();
              requests++;
              return server.fetch(url, init);
            },
            timeout: 50,
            maxRetries: 3,
            backoff: { initialDelay: 1, maxDelay: 4, maxRetryAfter: 7 },
            logLevel: 'off',
          });
          if (when && 'ticks' in when)
            void (async () => {
              for (let i = 0; i < when.ticks; i++) await new Promise((r) => setImmediate(r));
              ac.abort();
            })();
          const result = await outcome(
            client.inference.create(body, { signal: ac.signal, headers: { 'x-test-call': call } }),
          );
          const created = server.createdByCall.get(call) ?? 0;
          expect(created).toBeLessThanOrEqual(1);
          expect(sentAfterAbort).toBe(0);
          if (result === 'ok') expect(created).toBe(1);
          else expect(result).toBeInstanceOf(ScaleGenError);
          if (result instanceof APIUserAbortError) expect(ac.signal.aborted).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
    expect(run).toBe(120);
  }, 120_000);
});
