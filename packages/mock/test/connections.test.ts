import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { startChildMock } from './support/child.js';

const seedBody = readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8');
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({
    mode: 'sandbox',
    port: 0,
    provisionDelayMs: 0,
    headersTimeoutMs: 1000,
    requestTimeoutMs: 2000,
    maxConcurrentPerClient: 4,
  });
});
afterAll(() => mock.close());

/** Opens a raw connection to the mock and writes `text`; resolves with everything it read once closed. */
function rawExchange(text: string, opts: { end?: boolean; until?: RegExp } = {}) {
  const url = new URL(mock.url);
  return new Promise<{ text: string; socket: Socket }>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(text);
      if (opts.end) socket.end();
    });
    let got = '';
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      if (opts.until?.test(got)) resolve({ text: got, socket });
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: got, socket }));
  });
}

describe('slow and greedy clients', () => {
  it('closes a connection whose headers never finish (headers timeout)', async () => {
    const { text } = await rawExchange(
      'GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer slow\r\n',
    );
    // Node answers 408 and closes; before the limit, the connection stayed open for 300 s.
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 to a body that never finishes (request timeout)', async () => {
    const { text } = await rawExchange(
      `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer slow\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers Expect: 100-continue with an oversized Content-Length with 413, never 100 Continue', async () => {
    const { text, socket } = await rawExchange(
      `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer big\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`,
      { until: /\r\n\r\n[\s\S]*\}/ },
    );
    socket.destroy();
    expect(text).not.toContain('100 Continue');
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toContain('"code":"max_size"');
  });

  it('answers Expect: 100-continue with a body within the limit as usual', async () => {
    const { text, socket } = await rawExchange(
      `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer small\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(seedBody)}\r\nExpect: 100-continue\r\n\r\n`,
      { until: /100 Continue\r\n\r\n/ },
    );
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue/);
    const rest = await new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (chunk) => {
        got += chunk.toString('latin1');
        if (/"success":true/.test(got)) resolve(got);
      });
      socket.write(seedBody);
    });
    socket.destroy();
    expect(rest).toMatch(/HTTP\/1\.1 200/);
  });

  it('answers 429 beyond the requests one client may have in flight', async () => {
    // Four bodies that never finish hold the client's four slots.
    const url = new URL(mock.url);
    const held = Array.from({ length: 4 }, () => {
      const socket = connect(Number(url.port), url.hostname);
      socket.on('error', () => {});
      socket.write(
        'POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer greedy\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      return socket;
    });
    try {
      // The server reads the four requests in its own time: ask until it has (bounded).
      let res: Response | undefined;
      for (let attempt = 0; attempt < 50; attempt++) {
        res = await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer greedy' } });
        if (res.status === 429) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!res) throw new Error('no answer');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).message).toContain('at most 4 at once');
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

describe('stopping', () => {
  it('close() can be called twice', async () => {
    const server = await startMockServer({ mode: 'static', port: 0 });
    await Promise.all([server.close(), server.close()]);
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('on SIGTERM, finishes the request in flight, then exits 0', async () => {
    const child = await startChildMock(['--mode', 'sandbox', '--provision-delay-ms', '0']);
    const url = new URL(child.url);
    // A request whose body is still coming when SIGTERM arrives.
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const length = Buffer.byteLength(seedBody);
    socket.write(
      `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer drain\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    );
    socket.write(seedBody.slice(0, 10));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // Another request answered after this one was sent: the server has read this one's headers.
    expect(
      (await fetch(`${child.url}/sg_inf/list`, { headers: { Authorization: 'Bearer other' } })).status,
    ).toBe(200);
    const exit = child.stop();
    // Once it refuses new connections it is draining, with this request still in flight.
    let refused = false;
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      refused = await new Promise<boolean>((resolve) => {
        const probe = connect(Number(url.port), url.hostname);
        probe.once('connect', () => {
          probe.destroy();
          setTimeout(() => resolve(false), 50);
        });
        probe.once('error', () => resolve(true));
      });
    }
    expect(refused).toBe(true);
    socket.write(seedBody.slice(10));
    expect(await exit).toBe(0);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"inf_id"');
  });
});
