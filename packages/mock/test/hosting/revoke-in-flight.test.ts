/**
 * Revoking a sandbox key stops its requests in flight from writing: a create admitted before the revocation
 * and finished after it is refused (401), and neither it nor its request-log entry brings the tenant
 * back, so a key issued again under the same name starts afresh. Runs on both stores.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MockServer } from '../../src/index.js';
import { client } from '../support/http.js';
import { eventually } from '../support/replica.js';
import { startSandbox } from '../support/sandbox.js';

const ADMIN = 'operator-secret-0123456789';
let mock: MockServer;
beforeAll(async () => {
  mock = await startSandbox({ auth: 'keys', adminToken: ADMIN, rateLimit: 100, maxConcurrent: 4 });
});
afterAll(() => mock.close());

const body = JSON.stringify({
  name: 'in-flight',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
});

it('a create in flight when its key is revoked does not bring the tenant back', async () => {
  const admin = client(mock.url, ADMIN);
  const issue = async () => {
    const issued = await admin('POST', '/__sandbox/admin/keys', { body: { name: 'acme' } });
    expect(issued.status).toBe(201);
    return issued.body.message.key as string;
  };
  const key = await issue();
  const call = client(mock.url, key);
  expect((await call('GET', '/sg_inf/list')).status).toBe(200);

  // The create's head arrives (it is admitted), its body only after the revocation.
  const url = new URL(mock.url);
  const socket = connect(Number(url.port), url.hostname);
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString('utf8');
  });
  const closed = new Promise((resolve) => socket.on('close', resolve));
  await new Promise<void>((resolve) =>
    socket.on('connect', () =>
      socket.write(
        `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
        () => resolve(),
      ),
    ),
  );
  // Admitted: the request is in the log of requests in flight once its slot is taken (seen via a 2nd call).
  await eventually('the create is admitted', async () =>
    (await call('GET', '/sg_inf/list')).status === 200 ? true : undefined,
  );
  expect((await admin('DELETE', '/__sandbox/admin/keys/acme')).status).toBe(200);
  socket.write(body.slice(10));
  await closed;
  expect(answer).toMatch(/^HTTP\/1\.1 401/);

  const again = client(mock.url, await issue());
  const listed = await again('GET', '/sg_inf/list');
  expect(listed.status).toBe(200);
  expect(listed.body.message).toEqual([]);
  const log = await again('GET', '/__sandbox/requests');
  // Only the new key's own requests: nothing from before the revocation, nor the create in flight.
  expect(log.body.message.map((e: { path: string }) => e.path)).toEqual(['/sg_inf/list']);
});
