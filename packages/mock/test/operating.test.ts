/**
 * What an operator meets when hosting the sandbox as a service: a log that is JSON on every line (level
 * names, lifecycle events, probes left out unless asked), a shutdown that turns readiness 503 before it
 * stops serving, and an admin API on a port of its own.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { client } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

/** A writable the server logs to, and its lines as parsed JSON. */
function logCapture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('the JSON log', () => {
  it('names levels, writes the server events as log lines, and leaves probes out unless asked', async () => {
    const log = logCapture();
    const mock = await startSandbox({ log: log.stream, metricsPort: 0 });
    try {
      const call = client(mock.url);
      expect((await call('GET', '/__sandbox/health', { token: null })).status).toBe(200);
      expect((await call('GET', '/__sandbox/ready', { token: null })).status).toBe(200);
      const listed = await call('GET', '/sg_inf/list');
      mock.log('warn', { event: 'warning', msg: 'something to look at' });
      await settle();
      const lines = log.lines();
      // Every line is one JSON object with a level name.
      for (const line of lines) expect(['info', 'warn', 'error']).toContain(line.level);
      expect(lines.find((l) => l.request_id === listed.headers.get('x-request-id'))).toMatchObject({
        level: 'info',
        event: 'request',
        path: '/sg_inf/list',
      });
      expect(lines.find((l) => l.event === 'warning')).toMatchObject({
        level: 'warn',
        msg: 'something to look at',
      });
      // Probes are not logged by default.
      expect(lines.filter((l) => String(l.path).startsWith('/__sandbox/'))).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('logs probes with logProbes', async () => {
    const log = logCapture();
    const mock = await startSandbox({ log: log.stream, logProbes: true });
    try {
      await fetch(`${mock.url}/__sandbox/ready`);
      await settle();
      expect(log.lines().find((l) => l.path === '/__sandbox/ready')).toMatchObject({ status: 200 });
    } finally {
      await mock.close();
    }
  });
});

describe('a graceful shutdown', () => {
  it('answers 503 on readiness at once, serves through the grace period, then stops listening; a failed probe is no rejection', async () => {
    const log = logCapture();
    const mock = await startSandbox({ shutdownGraceMs: 60_000, metricsPort: 0, log: log.stream });
    const call = client(mock.url);
    expect((await call('GET', '/__sandbox/ready', { token: null })).status).toBe(200);
    const closed = mock.close();
    const ready = await call('GET', '/__sandbox/ready', { token: null });
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(ready.body.message).toContain('stopping');
    // Still serving: a load balancer has the grace period to take it out.
    for (let i = 0; i < 5; i++) expect((await call('GET', '/sg_inf/list')).status).toBe(200);
    expect((await call('GET', '/__sandbox/health', { token: null })).status).toBe(200);
    // A readiness answer of 503 is not a refused request.
    const metrics = await (await fetch(mock.metricsUrl as string)).text();
    expect(metrics).not.toMatch(/sgi_mock_rejections_total\{reason="not_ready"\}/);
    // A second close without grace cuts it short; then nothing listens.
    await mock.close({ grace: false });
    await closed;
    await expect(fetch(`${mock.url}/__sandbox/health`)).rejects.toThrow();
  });
});

describe('the admin port', () => {
  it('serves the admin API on its own port only; the partners port answers it 404', async () => {
    const adminToken = 'an-admin-token-of-32-characters!';
    const mock = await startSandbox({ auth: 'keys', adminToken, adminPort: 0 });
    try {
      expect(mock.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const onPartners = client(mock.url, adminToken);
      const onAdmin = client(mock.adminUrl as string, adminToken);
      expect((await onPartners('POST', '/__sandbox/admin/keys', { body: { name: 'acme' } })).status).toBe(
        404,
      );
      const created = await onAdmin('POST', '/__sandbox/admin/keys', { body: { name: 'acme' } });
      expect(created.status).toBe(201);
      const key = created.body.message.key as string;
      expect((await onPartners('GET', '/__sandbox/admin/keys')).status).toBe(404);
      expect((await onAdmin('GET', '/__sandbox/admin/keys')).body.message).toHaveLength(1);
      // The key works on the partners' port; the admin port serves nothing else.
      expect((await client(mock.url, key)('GET', '/sg_inf/list')).status).toBe(200);
      expect((await client(mock.adminUrl as string, key)('GET', '/sg_inf/list')).status).toBe(404);
    } finally {
      await mock.close();
    }
  });
});

describe('metrics an operator expects', () => {
  it("serves Node's process metrics, the method as a label, and the store's reachability and latency", async () => {
    const mock = await startSandbox({ metricsPort: 0 });
    try {
      await client(mock.url)('GET', '/sg_inf/list');
      await fetch(`${mock.url}/sg_inf/list`, { method: 'PATCH' }).then((r) => r.arrayBuffer());
      const text = await (await fetch(mock.metricsUrl as string)).text();
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      expect(text).toMatch(
        /^sgi_mock_requests_total\{route="GET \/sg_inf\/list",method="GET",status="200"\} 1$/m,
      );
      expect(text).toMatch(/^sgi_mock_requests_total\{route="other",method="PATCH",status="40\d"\} 1$/m);
      expect(text).toMatch(/^sgi_mock_store_up 1$/m);
      expect(text).toMatch(/^sgi_mock_store_latency_seconds \d/m);
      // One process, one store: this replica reports the store's figures.
      expect(text).toMatch(/^sgi_mock_store_reporter 1$/m);
    } finally {
      await mock.close();
    }
  });
});
