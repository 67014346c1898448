/**
 * A request's concurrency slot is given back however the request ends, also when its client goes away
 * while the store is still admitting it.
 */
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { MemoryStore } from '../src/sandbox/store/memory.js';
import type { Admission, AdmissionPolicy, Caller } from '../src/sandbox/store/types.js';
import { eventually } from './support/replica.js';

/** A memory store whose first admission waits until the test lets it go on. */
class HeldAdmission extends MemoryStore {
  readonly started: Promise<void>;
  #started!: () => void;
  #release!: () => void;
  readonly #released = new Promise<void>((resolve) => {
    this.#release = resolve;
  });

  constructor() {
    super({ provisionDelayMs: 0, deleteDelayMs: 0 }, DEFAULT_LIMITS);
    this.started = new Promise((resolve) => {
      this.#started = resolve;
    });
  }

  release(): void {
    this.#release();
  }

  override async admit(caller: Caller, policy: AdmissionPolicy, now: number): Promise<Admission> {
    this.#started();
    await this.#released;
    return super.admit(caller, policy, now);
  }
}

let mock: MockServer | undefined;
afterAll(async () => {
  await mock?.close();
});

it('gives back the slot of a request whose client went away while it was being admitted', async () => {
  const store = new HeldAdmission();
  const log = new PassThrough();
  let lines = '';
  log.on('data', (chunk: Buffer) => {
    lines += chunk.toString('utf8');
  });
  mock = await startMockServer({ mode: 'sandbox', store, maxConcurrent: 1, log });
  const headers = { Authorization: 'Bearer leaving-client' };

  const leaving = new AbortController();
  const abandoned = fetch(`${mock.url}/sg_inf/list`, { headers, signal: leaving.signal }).catch(
    (error: unknown) => error,
  );
  await store.started;
  leaving.abort();
  expect(await abandoned).toBeInstanceOf(Error);
  // The server saw the client go (its access log line, 499) before the admission ends.
  await eventually('the request ended as 499', async () =>
    lines.includes('"status":499') ? true : undefined,
  );
  store.release();

  // With one slot per tenant, the next request is served only if that slot was given back.
  const next = await eventually(
    'the next request is served',
    async () => {
      const res = await fetch(`${mock?.url}/sg_inf/list`, { headers });
      await res.arrayBuffer();
      return res.status === 200 ? res.status : undefined;
    },
    40,
  );
  expect(next).toBe(200);
});
