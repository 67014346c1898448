/**
 * What Node refuses by itself (a body that never ends, oversized headers, a request line that is not
 * HTTP) is answered like every other error: the spec's envelope, an `X-Request-Id` equal to its
 * `request_id`, and the CORS headers when the request's headers were read.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MockServer } from '../../src/index.js';
import { errorEnvelopeViolations } from '../support/contract.js';
import { startSandbox } from '../support/sandbox.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startSandbox({ headersTimeoutMs: 1000, requestTimeoutMs: 1500 });
});
afterAll(() => mock.close());

/** Writes `text` on a fresh connection and resolves with the answer once the server closes it. */
function exchange(
  text: string | Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const url = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let got = '';
    socket.on('data', (chunk) => {
      got += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      const [head = '', ...rest] = got.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      try {
        resolve({
          status: Number(statusLine.split(' ')[1]),
          headers,
          body: JSON.parse(rest.join('\r\n\r\n')),
        });
      } catch {
        reject(new Error(`not a JSON answer: ${JSON.stringify(got.slice(0, 300))}`));
      }
    });
  });
}

function expectEnvelope(answer: { headers: Record<string, string>; body: unknown }): void {
  expect(answer.headers['content-type']).toContain('application/json');
  expect(errorEnvelopeViolations(answer.body)).toEqual([]);
  expect(answer.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  expect((answer.body as { request_id: string }).request_id).toBe(answer.headers['x-request-id']);
}

it('answers a body that never ends with 408 in the envelope, with its CORS headers', async () => {
  const answer = await exchange(
    'POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\nAuthorization: Bearer slow\r\n' +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
  );
  expect(answer.status).toBe(408);
  expectEnvelope(answer);
  expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:3000');
});

it('answers oversized headers with 431 in the envelope', async () => {
  const answer = await exchange(
    `GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  );
  expect(answer.status).toBe(431);
  expectEnvelope(answer);
});

it('answers a malformed request line with 400 in the envelope', async () => {
  const answer = await exchange('THIS IS NOT HTTP\r\n\r\n');
  expect(answer.status).toBe(400);
  expectEnvelope(answer);
});
