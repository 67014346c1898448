import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import { launchBrowser, staysLocal } from '@sgi/testing/browser';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../src/serve.js';
import { watchedPage } from './support/page.js';
import { pageSamples } from './support/samples.js';
import { DESKTOP } from './support/site.js';

/**
 * A reader of the reference, in Chromium, against a sandbox this test starts: picks a request example
 * on create, copies the curl sample from the page and runs it in a shell with `SCALEGEN_BASE_URL` and
 * `SCALEGEN_ACCESS_TOKEN` set, then tries get inline on the reference with the new id until it is
 * ACTIVE; with no token, "Try it" asks for one and sends nothing.
 */

const execFileP = promisify(execFile);
const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const data = pageSamples();
const token = 'tryit-reader-token';

let mock: MockServer;
let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let requests: string[];
let consoleErrors: string[];
let curlHome: string;

beforeAll(async () => {
  // A short provisioning, so the reader sees PROVISIONING before ACTIVE.
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 1500, deleteDelayMs: 500 });
  site = await serveSite({ port: 0, sandboxUrl: mock.url });
  browser = await launchBrowser({ viewport: DESKTOP });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
  ({ page, requests, consoleErrors } = await watchedPage(browser.context));
  // The HTTP status of a reader's curl, on stderr (the sample itself prints the body).
  curlHome = mkdtempSync(join(tmpdir(), 'sgi-docs-curl-'));
  writeFileSync(join(curlHome, '.curlrc'), 'write-out = "%{stderr}HTTP %{http_code}\\n"\n');
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
  if (curlHome) rmSync(curlHome, { recursive: true, force: true });
});

/** The section of an operation on the reference. */
function section(operationId: string): Locator {
  const route = data.operations[operationId]?.route ?? '';
  return page.locator(`[data-section-id="${route}"]`);
}

async function openOperation(operationId: string): Promise<Locator> {
  const route = data.operations[operationId]?.route ?? '';
  await page.goto(`${site.url}index.html#${route}`, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' }); // a fresh page: the same tab, so the same session storage
  const s = section(operationId);
  await s
    .getByRole('button', { name: 'Try it in the sandbox' })
    .waitFor({ state: 'visible', timeout: 60_000 });
  return s;
}

/** Requests the page sent to the sandbox (preflights aside), from `from` on. */
const sandboxRequests = (from = 0) => requests.slice(from).filter((u) => u.startsWith(mock.url));

/** Sends the open "Try it" form and returns the status line and body it then shows. */
async function send(form: Locator): Promise<{ status: string; body: string }> {
  const answered = page.waitForResponse(
    (r) => r.url().startsWith(mock.url) && r.request().method() !== 'OPTIONS',
  );
  await form.getByRole('button', { name: 'Send' }).click();
  await answered;
  const result = form.locator('.sgi-tryit-result');
  await expect.poll(() => result.locator('.sgi-tryit-status strong').count()).toBe(1);
  return {
    status: (await result.locator('.sgi-tryit-status').textContent()) ?? '',
    body: (await result.locator('.sgi-tryit-answer').textContent()) ?? '',
  };
}

describe('a reader of the reference', { timeout: 180_000 }, () => {
  let id = '';

  it('picks the embedding example on create, and the curl sample changes with it', async () => {
    const create = await openOperation(data.createOperation);
    const picker = create.locator('button[aria-label="Example"]').first();
    await picker.click();
    await page.getByRole('menuitem', { name: 'An embedding model with server defaults' }).first().click();
    await expect.poll(() => picker.textContent()).toBe('An embedding model with server defaults');
    const shown = create.locator('pre[data-testid="source-code"]:visible').first();
    await expect.poll(() => shown.textContent()).toContain('"model": "BAAI/bge-large-en-v1.5"');
    expect(await shown.textContent()).not.toContain('Llama-3.1-70B');
  });

  it('shows, under every example and in every language, the sample the samples test runs', async () => {
    const create = section(data.createOperation);
    const picker = create.locator('button[aria-label="Example"]').first();
    const language = create
      .locator('button[aria-haspopup="menu"]')
      .filter({ hasText: /^(curl|TypeScript|Python|Payload)$/ });
    for (const example of data.operations[data.createOperation]?.examples ?? []) {
      await picker.click();
      await page.getByRole('menuitem', { name: example.summary }).first().click();
      for (const lang of ['TypeScript', 'Python', 'curl']) {
        await language.first().click();
        await page.getByRole('menuitem', { name: lang, exact: true }).first().click();
        const shown = create.locator('pre[data-testid="source-code"]:visible').first();
        await expect
          .poll(async () => (await shown.textContent())?.trim(), { message: `${example.name} ${lang}` })
          .toBe(example.samples[lang]?.trim());
      }
    }
    // Back to the embedding example, in curl, for the reader's next step: wait until the page shows it.
    await picker.click();
    await page.getByRole('menuitem', { name: 'An embedding model with server defaults' }).first().click();
    const minimal = data.operations[data.createOperation]?.examples.find((e) => e.name === 'minimal');
    const shown = create.locator('pre[data-testid="source-code"]:visible').first();
    await expect.poll(async () => (await shown.textContent())?.trim()).toBe(minimal?.samples.curl?.trim());
  });

  it('copies the curl sample from the page and runs it: 200, an embedding deployment is created', async () => {
    const create = section(data.createOperation);
    const block = create.locator('[data-component-name="CodeBlock/CodeBlock"]').filter({
      has: page.locator('pre[data-testid="source-code"]:visible'),
    });
    const embedding = data.operations[data.createOperation]?.examples.find((e) => e.name === 'minimal');
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await block.first().getByRole('button', { name: 'Copy' }).click();
    // The page writes the clipboard asynchronously: read it until something is there.
    let copied = '';
    await expect
      .poll(async () => {
        copied = await page.evaluate(() => navigator.clipboard.readText());
        return copied;
      })
      .not.toBe('');
    expect(copied).toBe(embedding?.samples.curl);
    const { stdout, stderr } = await execFileP('bash', ['-c', copied], {
      env: {
        PATH: process.env.PATH,
        HOME: curlHome,
        CURL_HOME: curlHome,
        SCALEGEN_BASE_URL: mock.url,
        SCALEGEN_ACCESS_TOKEN: token,
      },
      timeout: 30_000,
    });
    expect(stderr.trim()).toBe('HTTP 200');
    id = (JSON.parse(stdout) as { message: { inf_id: string } }).message.inf_id;
    const got = await fetch(`${mock.url}/sg_inf/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const { message } = (await got.json()) as { message: { inf_type: string; model: string } };
    expect(message).toMatchObject({ inf_type: 'embedding', model: 'BAAI/bge-large-en-v1.5' });
  });

  it('with an empty token, Try it asks for one and sends nothing', async () => {
    const get = await openOperation('getInferenceDeployment');
    await get.getByRole('button', { name: 'Try it in the sandbox' }).click();
    const form = get.locator('.sgi-tryit-form');
    const tokenField = form.getByLabel('Access token');
    expect(await tokenField.inputValue()).toBe('');
    expect(await tokenField.getAttribute('placeholder')).toBeNull();
    await form.getByLabel(/^inference_id/).fill(id);
    const before = requests.length;
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/Enter an access token first/);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('sgi-tryit-token'))).toBe(
      true,
    );
    await page.waitForTimeout(500);
    expect(sandboxRequests(before)).toEqual([]);
  });

  it('tries get inline with the new id until it is ACTIVE', async () => {
    expect(id, 'the copied curl sample created no deployment').not.toBe('');
    const form = section('getInferenceDeployment').locator('.sgi-tryit-form');
    await form.getByLabel('Access token').fill(token);
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { status, body } = await send(form);
      expect(status).toMatch(/^HTTP 200/);
      expect(status).toMatch(/request id/);
      const shown = JSON.parse(body) as { message: { id: string; status: string } };
      expect(shown.message.id).toBe(id);
      seen.push(shown.message.status);
      if (shown.message.status === 'ACTIVE') break;
      await page.waitForTimeout(300);
    }
    expect(seen.at(-1)).toBe('ACTIVE');
    expect(await form.locator('.sgi-tryit-headers').textContent()).toMatch(/x-request-id/i);
    // The token stays in this tab: session storage, never local storage.
    const stored = await page.evaluate(() => ({
      session: JSON.stringify({ ...sessionStorage }),
      local: JSON.stringify({ ...localStorage }),
    }));
    expect(stored.session).toContain(token);
    expect(stored.local).not.toContain(token);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'tryit.png') });
  });

  it('creates from Try it, and get is prefilled with the id it returned', async () => {
    const create = await openOperation(data.createOperation);
    await create.getByRole('button', { name: 'Try it in the sandbox' }).click();
    const form = create.locator('.sgi-tryit-form');
    expect(await form.getByLabel('Access token').inputValue()).toBe(token);
    await form.getByLabel('Example').selectOption({ label: 'An embedding model with server defaults' });
    expect(await form.getByLabel('Request body (JSON)').inputValue()).toContain('bge-large-en-v1.5');
    const { status, body } = await send(form);
    expect(status).toMatch(/^HTTP 200/);
    const created = (JSON.parse(body) as { message: { inf_id: string } }).message.inf_id;
    const get = await openOperation('getInferenceDeployment');
    await get.getByRole('button', { name: 'Try it in the sandbox' }).click();
    expect(
      await get
        .locator('.sgi-tryit-form')
        .getByLabel(/^inference_id/)
        .inputValue(),
    ).toBe(created);
  });

  it('checks the body as the reader types, naming the misspelt field first, as the sandbox does', async () => {
    const create = await openOperation(data.createOperation);
    await create.getByRole('button', { name: 'Try it in the sandbox' }).click();
    const form = create.locator('.sgi-tryit-form');
    const editor = form.getByLabel('Request body (JSON)');
    const check = form.locator('.sgi-body-check');
    await editor.fill('{"name": "x", "model": "BAAI/bge-large-en-v1.5", ');
    await expect.poll(() => check.textContent()).toMatch(/Not valid JSON/);
    await editor.fill('{"name": "x", "model": "BAAI/bge-large-en-v1.5", "inf_typ": "embedding"}');
    await expect.poll(() => check.textContent()).toMatch(/inf_typ: not a field of this request/);
    const lines = await check.locator('li').allTextContents();
    expect(lines[0]).toMatch(/^inf_typ:/);
    // "One of these" is one problem, said once.
    expect(lines.filter((l) => l.includes('controller_cloud_config'))).toHaveLength(1);
    expect(new Set(lines).size).toBe(lines.length);
    const { status, body } = await send(form);
    expect(status).toMatch(/^HTTP 422/);
    expect(body).toContain('inf_typ');
  });

  it('at 390 px, an open Try it fits the screen and still sends', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const list = await openOperation('listInferenceDeployments');
      await list.getByRole('button', { name: 'Try it in the sandbox' }).click();
      const form = list.locator('.sgi-tryit-form');
      const { status } = await send(form);
      expect(status).toMatch(/^HTTP 200/);
      const overflow = await page.evaluate(() => {
        const f = document.querySelector('.sgi-tryit-form:not([hidden])');
        const box = f?.getBoundingClientRect();
        return box ? box.right - window.innerWidth : 999;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'tryit-390.png') });
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('logged no console error and sent no request beyond loopback', () => {
    // Chromium logs the invalid create's 422 (sent on purpose above) as a failed resource.
    const expected = /^Failed to load resource: the server responded with a status of 422/;
    expect(consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
    expect(requests.filter((u) => !staysLocal(u))).toEqual([]);
  });
});
