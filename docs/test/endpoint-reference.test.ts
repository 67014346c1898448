import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadEndpointSpec } from '@sgi/spec';
import { launchBrowser, staysLocal } from '@sgi/testing/browser';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointReferencePage } from '../src/guides.js';
import { operationPage } from '../src/pages.js';
import { serveSite } from '../src/serve.js';
import { watchedPage } from './support/page.js';
import { DESKTOP, endpointOperations, endpointRoute } from './support/site.js';

/**
 * The deployment endpoint's reference, in Chromium, against a sandbox this test starts: the page shows
 * every operation of `endpoint.json` in the reference's look; a reader who found a deployment's link
 * with the API reference's "Try it" (same tab, same token) calls GET /v1/models and POST
 * /v1/chat/completions (plain and streamed) of that deployment from the page; nothing is sent without
 * a token, without a link, or to a link that is not the sandbox's. axe-core finds nothing serious on
 * the page (light and dark, "Try it" closed, open and answered) nor on an operation's own page.
 */

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const token = 'endpoint-reader-token';
const model = 'meta-llama/Llama-3.1-8B-Instruct';
const spec = loadEndpointSpec();
const routeOf = (operationId: string) => {
  const op = endpointOperations().find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no ${operationId} in the endpoint document`);
  return endpointRoute(op);
};

let mock: MockServer;
let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let requests: string[];
let consoleErrors: string[];
let id = '';
let link = '';

beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 500 });
  site = await serveSite({ port: 0, sandboxUrl: mock.url });
  browser = await launchBrowser({ viewport: DESKTOP });
  ({ page, requests, consoleErrors } = await watchedPage(browser.context));
  // The reader's deployment, made as any client would (the API reference's own test covers its form).
  const created = await fetch(`${mock.url}/sg_inf/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'endpoint-reader',
      model,
      inf_type: 'llm',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    }),
  });
  expect(created.status).toBe(200);
  id = ((await created.json()) as { message: { inf_id: string } }).message.inf_id;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
});

/** Requests the page sent to the sandbox (preflights included), from `from` on. */
const sandboxRequests = (from = 0) => requests.slice(from).filter((u) => u.startsWith(mock.url));

/** Opens an operation of a reference page (a fresh load in the same tab) and waits for its "Try it". */
async function openOperation(pagePath: string, route: string): Promise<Locator> {
  await page.goto(`${site.url}${pagePath}#${route}`, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  const section = page.locator(`[data-section-id="${route}"]`);
  await section
    .getByRole('button', { name: 'Try it in the sandbox' })
    .waitFor({ state: 'visible', timeout: 120_000 });
  return section;
}

async function openTryIt(section: Locator): Promise<Locator> {
  const toggle = section.getByRole('button', { name: 'Try it in the sandbox' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return section.locator('.sgi-tryit-form');
}

/** Sends the open "Try it" form and returns the status line and body it then shows. */
async function send(form: Locator): Promise<{ status: string; body: string; url: string }> {
  const answered = page.waitForResponse(
    (r) => r.url().startsWith(mock.url) && r.request().method() !== 'OPTIONS',
  );
  await form.getByRole('button', { name: 'Send' }).click();
  const response = await answered;
  const result = form.locator('.sgi-tryit-result');
  await expect.poll(() => result.locator('.sgi-tryit-status strong').count()).toBe(1);
  return {
    status: (await result.locator('.sgi-tryit-status').textContent()) ?? '',
    body: (await result.locator('.sgi-tryit-answer').textContent()) ?? '',
    url: response.url(),
  };
}

/** The serious and critical violations axe finds on the page as it is now, one line each. */
async function seriousViolations(): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 5).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

describe("the deployment endpoint's reference", { timeout: 240_000 }, () => {
  it('renders every operation of endpoint.json in the site, next to the API reference', async () => {
    await page.goto(`${site.url}${endpointReferencePage}`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    expect(await page.locator('h1').first().textContent()).toContain(spec.info.title);
    // Its own place in the site's navigation, marked as the current page.
    const nav = page.getByRole('navigation', { name: 'Site' });
    expect(await nav.getByRole('link', { name: 'API reference' }).getAttribute('href')).toBe('index.html');
    const own = nav.getByRole('link', { name: 'Endpoint API' });
    expect(await own.getAttribute('aria-current')).toBe('page');
    // The guide and the downloads are this document's.
    await expect
      .poll(() => page.locator('a[href="guides/call-your-deployment.html"]').count())
      .toBeGreaterThan(0);
    expect(await page.locator('a[href="endpoint.yaml"]').count()).toBeGreaterThan(0);
    // Each operation at its route (Redoc renders the sections near the one shown).
    for (const op of endpointOperations()) {
      await page.goto(`${site.url}${endpointReferencePage}#${endpointRoute(op)}`, { waitUntil: 'load' });
      await page.reload({ waitUntil: 'load' });
      const section = page.locator(`[data-section-id="${endpointRoute(op)}"]`);
      await section.locator('h2').first().waitFor({ timeout: 120_000 });
      expect(await section.locator('h2').first().textContent(), op.operationId).toContain(op.summary);
    }
    // The site's search finds its operations and fields, and leads here.
    await page.keyboard.press('Control+k');
    const input = page.getByRole('dialog', { name: 'Search the documentation' }).getByRole('searchbox');
    await input.waitFor({ state: 'visible' });
    await input.fill('chat completion stream_options');
    const results = page.locator('.site-search-results a');
    await results.first().waitFor({ state: 'visible', timeout: 15_000 });
    const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((h) => h.includes(`${endpointReferencePage}#${routeOf('createChatCompletion')}`))).toBe(
      true,
    );
    await page.keyboard.press('Escape');
    // From the API reference, the header leads here.
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Endpoint API' }).click();
    await page.waitForURL(`${site.url}${endpointReferencePage}`);
  });

  it('sends nothing without a token, without a link, or to a link that is not the sandbox’s', async () => {
    const section = await openOperation(endpointReferencePage, routeOf('listModels'));
    await page.evaluate(() => sessionStorage.clear());
    await page.reload({ waitUntil: 'load' });
    const form = await openTryIt(section);
    const before = requests.length;
    const alert = form.getByRole('alert');
    expect(await form.getByLabel('Access token').inputValue()).toBe('');
    expect(await form.getByLabel('Deployment link').inputValue()).toBe('');
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/Enter an access token first/);
    await form.getByLabel('Access token').fill(token);
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/Enter the deployment's link first/);
    for (const elsewhere of [`https://${id}.example.com`, `${mock.url}/sg_inf/${id}`, mock.url]) {
      await form.getByLabel('Deployment link').fill(elsewhere);
      await form.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => alert.textContent()).toMatch(/Enter the link of a deployment of the sandbox/);
    }
    await page.waitForTimeout(500);
    expect(sandboxRequests(before)).toEqual([]);
    expect(requests.slice(before).filter((u) => !u.startsWith(site.url))).toEqual([]);
  });

  it('takes the link that the API reference showed, with the same token, and lists the models', async () => {
    // The reader gets the deployment in the API reference until it is ACTIVE: its link is kept in the tab.
    const get = await openOperation('index.html', '/other/getinferencedeployment');
    const getForm = await openTryIt(get);
    expect(await getForm.getByLabel('Access token').inputValue()).toBe(token);
    await getForm.getByLabel(/^inference_id/).fill(id);
    for (let i = 0; i < 60; i++) {
      const { body } = await send(getForm);
      const message = (JSON.parse(body) as { message: { status: string; link?: string } }).message;
      if (message.status === 'ACTIVE' && message.link) {
        link = message.link;
        break;
      }
      await page.waitForTimeout(250);
    }
    expect(link).toBe(`${mock.url}/deployments/${id}`);
    const section = await openOperation(endpointReferencePage, routeOf('listModels'));
    const form = await openTryIt(section);
    expect(await form.getByLabel('Access token').inputValue()).toBe(token);
    expect(await form.getByLabel('Deployment link').inputValue()).toBe(link);
    const { status, body, url } = await send(form);
    expect(url).toBe(`${link}/inference/v1/models`);
    expect(status).toMatch(/^HTTP 200/);
    const models = JSON.parse(body) as { object: string; data: Array<{ id: string }> };
    expect(models.object).toBe('list');
    expect(models.data.map((m) => m.id)).toContain(model);
  });

  it('sends a chat completion, plain and streamed, and shows the answer', async () => {
    const section = await openOperation(endpointReferencePage, routeOf('createChatCompletion'));
    const form = await openTryIt(section);
    const editor = form.getByLabel('Request body (JSON)');
    const example = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    expect(example.model).toBe(model);
    await expect
      .poll(() => form.locator('.sgi-body-check').textContent())
      .toMatch(/matches the request schema/);
    const plain = await send(form);
    expect(plain.url).toBe(`${link}/inference/v1/chat/completions`);
    expect(plain.status).toMatch(/^HTTP 200/);
    const completion = JSON.parse(plain.body) as {
      object: string;
      choices: Array<{ message: { content: string } }>;
      usage: { total_tokens: number };
    };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(completion.usage.total_tokens).toBeGreaterThan(0);
    await editor.fill(JSON.stringify({ ...example, stream: true }, null, 2));
    const streamed = await send(form);
    expect(streamed.status).toMatch(/^HTTP 200/);
    expect(streamed.body).toMatch(/^data: \{/);
    expect(streamed.body.trimEnd()).toMatch(/data: \[DONE\]$/);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'endpoint-tryit.png') });
  });

  it('finds nothing serious (axe-core), light and dark, with Try it closed, open and answered', async () => {
    const route = routeOf('createChatCompletion');
    for (const mode of ['light', 'dark']) {
      await page.goto(`${site.url}${endpointReferencePage}#${route}`, { waitUntil: 'load' });
      await page.evaluate((m) => localStorage.setItem('redoc.colorMode', m), mode);
      await page.reload({ waitUntil: 'load' });
      await expect.poll(() => page.locator('html').getAttribute('class')).toContain(mode);
      const section = page.locator(`[data-section-id="${route}"]`);
      await section.getByRole('button', { name: 'Try it in the sandbox' }).waitFor({ timeout: 120_000 });
      expect(await seriousViolations(), `${mode}, closed`).toEqual([]);
      const form = await openTryIt(section);
      expect(await seriousViolations(), `${mode}, open`).toEqual([]);
      await send(form);
      await form.getByLabel('Deployment link').fill('https://elsewhere.example.com');
      await form.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/Enter the link/);
      expect(await seriousViolations(), `${mode}, answered`).toEqual([]);
    }
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${site.url}${operationPage('createChatCompletion')}`, { waitUntil: 'load' });
    expect(await seriousViolations(), 'operation page').toEqual([]);
  }, 600_000);

  it('logged no console error and sent no request beyond loopback', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !staysLocal(u))).toEqual([]);
  });
});
