import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { launchBrowser } from '@sgi/testing/browser';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT } from './support/fault-server.js';

// The built package, bundled for browsers by esbuild, run in Chromium against a loopback server
// that serves the page, the bundle, a token endpoint and the API (one origin: no CORS in the way).
// Two bundles: one script (IIFE) for most tests, and ES modules with code splitting on, as an app's
// bundler makes them: nothing of the client is loaded on demand, so it is one chunk.
const pkgDir = new URL('..', import.meta.url).pathname;

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  userAgent: string | undefined;
}

let server: ReturnType<typeof createServer>;
let origin: string;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
const seen: Seen[] = [];
const pageErrors: string[] = [];
/** The chunks of the split ES module build, by URL path (`/esm/...`), and the ones the page asked for. */
const chunks = new Map<string, string>();
const chunksLoaded: string[] = [];

function answer(req: IncomingMessage, res: ServerResponse, bundle: string, body: string) {
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_browser' });
    res.end(JSON.stringify(value));
  };
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(
      '<!doctype html><html><head><script src="/client.js"></script></head><body></body></html>',
    );
  }
  if (req.url === '/client.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(bundle);
  }
  const chunk = chunks.get(req.url ?? '');
  if (chunk !== undefined) {
    chunksLoaded.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(chunk);
  }
  seen.push({
    method: req.method ?? '',
    url: req.url ?? '',
    authorization: req.headers.authorization,
    userAgent: req.headers['user-agent'],
  });
  if (req.url === '/oauth/token') {
    const form = new URLSearchParams(body);
    return form.get('client_secret') === 'browser-key-secret'
      ? json(200, { access_token: 'browser-access-1', expires_in: 3600 })
      : json(401, { error: 'access_denied' });
  }
  if (req.url === '/sg_inf/list') return json(200, { success: true, message: [DEPLOYMENT] });
  if (req.url === '/sg_inf/create') return json(200, { success: true, message: { inf_id: 'dep-1' } });
  if (req.url === '/sg_inf/dep-1') return json(200, { success: true, message: DEPLOYMENT });
  if (req.url === '/sg_inf/slow') return; // never answers: for the abort
  return json(404, { success: false, message: 'No such deployment.' });
}

beforeAll(async () => {
  const out = await build({
    stdin: { contents: "export * from '@sgi/client';", resolveDir: pkgDir },
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    globalName: 'sgi',
    platform: 'browser',
    logLevel: 'silent',
  });
  const bundle = out.outputFiles[0]?.text ?? '';
  const split = await build({
    stdin: { contents: "export * from '@sgi/client';", resolveDir: pkgDir, sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    splitting: true,
    outdir: join(pkgDir, 'esm'),
    absWorkingDir: pkgDir,
    entryNames: 'app',
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  for (const file of split.outputFiles) chunks.set(`/${relative(pkgDir, file.path)}`, file.text);
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => answer(req, res, bundle, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

// What the page sees of the package: the bundle's global.
type Sgi = typeof import('../src/index.js');

describe('@sgi/client in Chromium', () => {
  it('a bearer token client lists, gets, creates, and maps errors to their classes', async () => {
    seen.length = 0;
    const result = await page.evaluate(async (baseUrl) => {
      const { createClient, NotFoundError } = (globalThis as unknown as { sgi: Sgi }).sgi;
      const client = createClient({ baseUrl, token: 'browser-token-1' });
      const list = await client.inference.list();
      const one = await client.inference.get('dep-1');
      const created = await client.inference.create({
        name: 'n',
        model: 'm',
        controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
      });
      const missing = await client.inference.get('dep-2', { maxRetries: 0 }).catch((e) => e);
      return {
        list: list.map((d) => d.id),
        status: one.status,
        created,
        missing: [missing instanceof NotFoundError, missing.status, missing.requestId],
      };
    }, origin);
    expect(result).toEqual({
      list: ['dep-1'],
      status: 'ACTIVE',
      created: { inf_id: 'dep-1' },
      missing: [true, 404, 'req_browser'],
    });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.authorization}`)).toEqual([
      'GET /sg_inf/list Bearer browser-token-1',
      'GET /sg_inf/dep-1 Bearer browser-token-1',
      'POST /sg_inf/create Bearer browser-token-1',
      'GET /sg_inf/dep-2 Bearer browser-token-1',
    ]);
    // A page sends the browser's own User-Agent: the client sets none there.
    for (const s of seen) expect(s.userAgent).toMatch(/Chrome/);
  });

  it('an abort stops a call in flight with APIUserAbortError', async () => {
    const name = await page.evaluate(async (baseUrl) => {
      const { createClient } = (globalThis as unknown as { sgi: Sgi }).sgi;
      const client = createClient({ baseUrl, token: 'browser-token-1', timeout: 0 });
      const ac = new AbortController();
      const call = client.inference.get('slow', { signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      return call.then(
        () => 'resolved',
        (e: Error) => e.name,
      );
    }, origin);
    expect(name).toBe('APIUserAbortError');
  });

  it('a key pair is refused at its first call, with a message that says why and what to do instead; nothing is sent', async () => {
    seen.length = 0;
    const error = await page.evaluate(async (baseUrl) => {
      const { createClient, ScaleGenError, APIConnectionError, APIError } = (
        globalThis as unknown as { sgi: Sgi }
      ).sgi;
      // The refusal lives in the key pair's code, which a page with a bearer token never loads.
      const client = createClient({
        baseUrl,
        keyId: 'browser-key-id',
        keySecret: 'browser-key-secret',
        tokenUrl: `${baseUrl}/oauth/token`,
      });
      const e = await client.inference.list().then(
        () => undefined,
        (err: unknown) => err,
      );
      const again = await client.inference.get('dep-1').catch((err: Error) => err.message);
      return {
        isScaleGenError: e instanceof ScaleGenError,
        // Not a connection or API error: nothing to retry, nothing was asked of any server.
        isOther: e instanceof APIConnectionError || e instanceof APIError,
        message: (e as Error | undefined)?.message,
        again,
      };
    }, origin);
    expect(error).toEqual({
      isScaleGenError: true,
      isOther: false,
      message: expect.stringMatching(/key pair .* browser .* secret .*bearer token.*dangerouslyAllowBrowser/),
      again: error.message,
    });
    expect(error.message).not.toContain('browser-key-secret');
    // Nothing was sent: no token exchange, no API call. (The previous test's aborted `/sg_inf/slow`
    // call can reach the server only now, after `seen` was cleared: it is not this test's.)
    expect(seen.filter((s) => s.url !== '/sg_inf/slow')).toEqual([]);
  });

  it('a key pair runs when the user opts in with dangerouslyAllowBrowser', async () => {
    seen.length = 0;
    const ids = await page.evaluate(async (baseUrl) => {
      const { createClient } = (globalThis as unknown as { sgi: Sgi }).sgi;
      const client = createClient({
        baseUrl,
        keyId: 'browser-key-id',
        keySecret: 'browser-key-secret',
        tokenUrl: `${baseUrl}/oauth/token`,
        dangerouslyAllowBrowser: true,
      });
      return (await client.inference.list()).map((d) => d.id);
    }, origin);
    expect(ids).toEqual(['dep-1']);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.authorization ?? '-'}`)).toEqual([
      'POST /oauth/token -',
      'GET /sg_inf/list Bearer browser-access-1',
    ]);
  });

  it('bundled with code splitting, it is one chunk: the token exchange and waitUntilReady load with it', async () => {
    seen.length = 0;
    expect([...chunks.keys()]).toEqual(['/esm/app.js']);
    await page.addScriptTag({
      type: 'module',
      content: "import * as sgi from '/esm/app.js'; globalThis.sgiSplit = sgi;",
    });
    await page.waitForFunction(() => 'sgiSplit' in globalThis);
    const result = await page.evaluate(async (baseUrl) => {
      const sgi = (globalThis as unknown as { sgiSplit: Sgi }).sgiSplit;
      const bearer = sgi.createClient({ baseUrl, token: 'browser-token-1' });
      await bearer.inference.get('dep-1');
      const ready = (await bearer.inference.waitUntilReady('dep-1')).status;
      const keys = sgi.createClient({
        baseUrl,
        keyId: 'browser-key-id',
        keySecret: 'wrong-key-secret',
        tokenUrl: `${baseUrl}/oauth/token`,
        dangerouslyAllowBrowser: true,
        maxRetries: 0,
      });
      const refused = await keys.inference.list().catch((e: Error) => e);
      const good = sgi.createClient({
        baseUrl,
        keyId: 'browser-key-id',
        keySecret: 'browser-key-secret',
        tokenUrl: `${baseUrl}/oauth/token`,
        dangerouslyAllowBrowser: true,
      });
      const ids = (await good.inference.list()).map((d) => d.id);
      return {
        ready,
        refused: [refused instanceof sgi.AuthenticationError, (refused as Error).message],
        ids,
      };
    }, origin);
    expect(result).toEqual({
      ready: 'ACTIVE',
      refused: [true, expect.stringMatching(/^token exchange at .*\/oauth\/token failed with HTTP 401/)],
      ids: ['dep-1'],
    });
    expect(chunksLoaded).toEqual(['/esm/app.js']);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.authorization ?? '-'}`)).toEqual([
      'GET /sg_inf/dep-1 Bearer browser-token-1',
      'GET /sg_inf/dep-1 Bearer browser-token-1',
      'POST /oauth/token -',
      'POST /oauth/token -',
      'GET /sg_inf/list Bearer browser-access-1',
    ]);
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
