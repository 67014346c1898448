import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyViolation, startValidatingProxy, type ValidatingProxy } from '../src/index.js';
import { redact } from '../src/proxy/report.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const TOKEN = 'proxy-secret-bearer-9f8e7d';
const HF = 'hf_secretTokenValue123';

/** An upstream that breaks the spec in known ways and records what reaches it. */
const received: Array<{ method: string; url: string; body: string }> = [];
const deployment = {
  id: 'dep-1',
  name: 'n',
  model: 'org/m',
  inf_type: 'llm',
  engine: 'vllm',
  status: 'ACTIVE',
  timestamp: '2026-11-25T14:03:11',
  cost: '12.5',
  region_label: 'eu-1',
};
const GET_BODY = JSON.stringify({ success: true, message: deployment });
let upstream: Server;
let upstreamUrl: string;
let proxy: ValidatingProxy;
const lines: ProxyViolation[] = [];

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', body: await readBody(req) });
    const json = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': `up-${received.length}` });
      res.end(body);
    };
    // Production's known drift: get and list answer bare, here with a deployment that breaks the spec.
    if (req.headers['x-test-bare'] === '1') {
      const bad = { ...deployment, cost: 12.5, status: 42, timestamp: 'yesterday' };
      return json(200, JSON.stringify(req.url === '/sg_inf/list' ? [bad] : bad));
    }
    if (req.url === '/sg_inf/list') return json(200, JSON.stringify({ success: true, message: [] }));
    if (req.url === '/sg_inf/create')
      return json(200, JSON.stringify({ success: true, message: { inf_id: 'dep-2' } }));
    return json(200, GET_BODY);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  proxy = await startValidatingProxy({ upstream: upstreamUrl, onViolation: (v) => lines.push(v) });
});
afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${proxy.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {}),
    },
  });

describe('sgi-mock --mode proxy', () => {
  it('forwards an answer that breaks the spec unchanged, and reports where it breaks it', async () => {
    const before = lines.length;
    const res = await call('/sg_inf/dep-1');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(GET_BODY);
    expect(res.headers.get('sl-violations')).toBeNull();
    const mine = lines.slice(before);
    expect(mine).toContainEqual(
      expect.objectContaining({
        operation: 'getInferenceDeployment',
        method: 'GET',
        path: '/sg_inf/dep-1',
        status: 200,
        direction: 'response',
        location: 'body',
        pointer: '/message/cost',
        requestId: `up-${received.length}`,
      }),
    );
    // A field the spec does not know is not a violation.
    expect(mine.some((l) => l.pointer.includes('region_label') || l.message.includes('region_label'))).toBe(
      false,
    );
  });

  it('forwards an invalid request as it came, reports it, and never writes a secret', async () => {
    const before = lines.length;
    const body = {
      ...seedBody,
      inf_type: 'chat',
      hf_token: HF,
      controller_cloud_config: null,
      gateway_config: { name: 'AWS', region: 'US', [HF]: 1, [TOKEN]: 2 },
    };
    const res = await call('/sg_inf/create', { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/sg_inf/create' });
    expect(JSON.parse(received.at(-1)?.body ?? '{}')).toEqual(body);
    const mine = lines.slice(before);
    expect(mine).toContainEqual(
      expect.objectContaining({
        operation: 'createInferenceDeployment',
        direction: 'request',
        pointer: '/inf_type',
      }),
    );
    const text = JSON.stringify(mine);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(HF);
    expect(text).not.toContain(TOKEN);
  });

  it('counts what it saw', () => {
    expect(proxy.summary.exchanges).toBeGreaterThanOrEqual(2);
    expect(proxy.summary.violations).toBe(lines.length);
    expect(proxy.summary.format()).toMatch(
      /^sgi-mock proxy: \d+ exchanges, \d+ violations\.\n {2}\d+ {2}\S+ (request|response)/,
    );
  });

  it('redacts each secret wherever it appears', () => {
    expect(redact(`found '${HF}' and ${HF}`, [HF, 'ab'])).toBe("found '[redacted]' and [redacted]");
  });
});

describe('sgi-mock --mode proxy --strict', () => {
  it('refuses a request that breaks the spec before it reaches the upstream, and forwards a valid one', async () => {
    const strictLines: ProxyViolation[] = [];
    const strict = await startValidatingProxy({
      upstream: upstreamUrl,
      strict: true,
      onViolation: (v) => strictLines.push(v),
    });
    try {
      const count = received.length;
      const refused = await fetch(`${strict.url}/sg_inf/create`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...seedBody, inf_type: 'chat' }),
      });
      expect(refused.status).toBe(422);
      const body = await refused.json();
      expect(body.message).toMatch(/^Refused by the validating proxy \(--strict\)/);
      expect(body.errors).toContainEqual(expect.objectContaining({ field: 'inf_type' }));
      expect(received.length).toBe(count);
      expect(strictLines).toContainEqual(
        expect.objectContaining({ status: 422, direction: 'request', pointer: '/inf_type' }),
      );
      expect(strict.summary.refused).toBe(1);

      const ok = await fetch(`${strict.url}/sg_inf/create`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(seedBody),
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ success: true, message: { inf_id: 'dep-2' } });
      expect(received.length).toBe(count + 1);
    } finally {
      await strict.close();
    }
  });
});

describe('sgi-mock --mode proxy, the command', () => {
  it('writes JSON lines to --report and a summary on exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgi-proxy-'));
    const file = join(dir, 'violations.jsonl');
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    try {
      const child = spawn(
        process.execPath,
        [cli, '--mode', 'proxy', '--upstream', upstreamUrl, '--port', '0', '--report', file],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
      });
      const url = await new Promise<string>((resolve) => {
        child.stdout.on('data', (c) => {
          out += c;
          const m = /listening on (http:\/\/\S+),/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
      });
      const res = await fetch(`${url}/sg_inf/dep-1`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(await res.text()).toBe(GET_BODY);
      const code = await new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(err).toMatch(/sgi-mock proxy: 1 exchanges, [1-9]\d* violations/);
      const written = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(written).toContainEqual(
        expect.objectContaining({ operation: 'getInferenceDeployment', pointer: '/message/cost' }),
      );
      expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('labels a known bare answer as known drift and validates the deployment inside it', async () => {
    for (const [path, drift, at] of [
      ['/sg_inf/dep-1', 'get-bare-object', ''],
      ['/sg_inf/list', 'list-bare-array', '/0'],
    ] as const) {
      const before = lines.length;
      const res = await call(path, { headers: { 'X-Test-Bare': '1' } });
      expect(res.status).toBe(200);
      const bare = await res.json();
      expect(bare).not.toHaveProperty('success'); // forwarded unchanged
      const seen = lines.slice(before);
      expect(seen.filter((l) => l.knownDrift)).toEqual([
        expect.objectContaining({ knownDrift: drift, direction: 'response', pointer: '', status: 200 }),
      ]);
      // What the bare answer carries is checked: the status and the timestamp are reported, not known.
      const inner = seen.filter((l) => !l.knownDrift);
      expect(inner.map((l) => l.pointer)).toEqual(
        expect.arrayContaining([`${at}/status`, `${at}/timestamp`]),
      );
      for (const l of inner) expect(l.direction).toBe('response');
      expect(seen.map((l) => l.message).join('\n')).not.toMatch(
        /must have required property '(success|message)'/,
      );
    }
  });
});
