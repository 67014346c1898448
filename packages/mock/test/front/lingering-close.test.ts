/**
 * A body over the size limit gets its 413, also when it follows other requests on a kept-alive connection:
 * the server answers, then reads and throws away the rest of the body (within a bound) before closing,
 * instead of resetting the connection while the client still sends.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MockServer } from '../../src/index.js';
import { startSandbox } from '../support/sandbox.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startSandbox();
});
afterAll(() => mock.close());

const headers = { Authorization: 'Bearer linger', 'Content-Type': 'application/json' };

it('answers 413 to an oversized create on a kept-alive connection, every time', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
  const statuses: Array<number | string> = [];
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${mock.url}/sg_inf/list`, { headers });
      await res.arrayBuffer();
    }
    const status = await fetch(`${mock.url}/sg_inf/create`, { method: 'POST', headers, body: big }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      (error: Error) => `${error.message} (${String((error.cause as Error | undefined)?.message)})`,
    );
    statuses.push(status);
  }
  expect(statuses).toEqual(Array.from({ length: 8 }, () => 413));
  // And the server goes on serving.
  expect((await fetch(`${mock.url}/sg_inf/list`, { headers })).status).toBe(200);
});

it('reads the rest of a refused body after its 413 rather than resetting the connection', async () => {
  const url = new URL(mock.url);
  const length = 3 * 1024 * 1024;
  const outcome = await new Promise<{ answer: string; error?: string; ended: boolean }>((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let error: string | undefined;
    let ended = false;
    let sent = 0;
    socket.on('connect', () => {
      socket.write(
        `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer linger\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
      );
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const sendRest = () => {
      // The client keeps sending its body after the 413 has arrived, as a client that does not read
      // while it sends would.
      while (sent < length && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', sendRest);
          return;
        }
      }
      // All sent: the client is done with the connection.
      socket.end();
    };
    socket.on('data', (data) => {
      const first = answer === '';
      answer += data.toString('latin1');
      if (first) sendRest();
    });
    socket.on('end', () => {
      ended = true;
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => resolve({ answer, ended, ...(error ? { error } : {}) }));
  });
  expect(outcome.answer).toMatch(/^HTTP\/1\.1 413/);
  expect(outcome.error).toBeUndefined();
});

it('answers 413 to an oversized body on the sandbox routes too', async () => {
  const res = await fetch(`${mock.url}/__sandbox/reset`, {
    method: 'POST',
    headers,
    body: 'x'.repeat(1024 * 1024),
  });
  expect(res.status).toBe(413);
});

it('keeps reading a refused body that arrives slower than the request timeout, and the connection serves the next request', async () => {
  // A short request timeout: the rest of the body takes longer than it to arrive, with short pauses.
  const strict = await startSandbox({ requestTimeoutMs: 1000, headersTimeoutMs: 1000 });
  try {
    const url = new URL(strict.url);
    const length = 1536 * 1024;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      let text = '';
      socket.on('data', (data) => {
        text += data.toString('latin1');
        // The 413, then the answer to the request sent after the body on the same connection.
        if (/HTTP\/1\.1 413[\s\S]*HTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n/.test(text)) socket.end();
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
      socket.on('connect', async () => {
        socket.write(
          `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer linger\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
        );
        const piece = Buffer.alloc(length / 8, 'x');
        for (let i = 0; i < 8 && !socket.destroyed; i++) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 250));
        }
        socket.write('GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer linger\r\n\r\n');
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
  } finally {
    await strict.close();
  }
});
