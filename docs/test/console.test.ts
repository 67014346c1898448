import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';
import { launchBrowser, staysLocal } from '@sgi/testing/browser';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../src/serve.js';
import { type ConsoleAnswer, openOperation, send, setToken } from './support/console.js';
import { watchedPage } from './support/page.js';
import { DESKTOP } from './support/site.js';

/**
 * A reader walks a deployment's whole life from the console page, by clicking and typing, against a
 * real sandbox that this test starts (the site is served pointing its consoles at it).
 */

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const token = 'console-reader-token';

let mock: MockServer;
let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let requests: string[];
let consoleErrors: string[];

beforeAll(async () => {
  // A short provisioning and deletion, so the reader sees PROVISIONING and DELETING on the way.
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 1500, deleteDelayMs: 1000 });
  site = await serveSite({ port: 0, sandboxUrl: mock.url });
  browser = await launchBrowser({ viewport: DESKTOP });
  ({ page, requests, consoleErrors } = await watchedPage(browser.context));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
});

/** Sends get until the answer satisfies `done` (bounded), returning every answer seen. */
async function getUntil(done: (answer: ConsoleAnswer) => boolean): Promise<ConsoleAnswer[]> {
  const seen: ConsoleAnswer[] = [];
  for (let i = 0; i < 30; i++) {
    const answer = await send(page);
    seen.push(answer);
    if (done(answer)) return seen;
    await page.waitForTimeout(300);
  }
  throw new Error(
    `get never got there: ${seen.map((a) => `${a.status} ${a.body.slice(0, 80)}`).join(' | ')}`,
  );
}

/** The seed's create request, as the spec records it. */
const seedExample = () =>
  structuredClone(
    (loadSpec().components.examples as Record<string, { value: unknown }>).CreateRequestSeed?.value,
  );

const statusOf = (answer: ConsoleAnswer) => answer.body.match(/"status": "([A-Z]+)"/)?.[1];

describe('the console, against a real sandbox', { timeout: 240_000 }, () => {
  let id = '';

  it('creates a deployment from the seed example with the reader’s token', async () => {
    await openOperation(page, site.url, 'Create a deployment');
    await setToken(page, token);
    const body = await page.locator('.TryItPanel textarea').first().inputValue();
    expect(body).toContain('"name": "llama-70b-dep"'); // the seed example, prefilled
    const answer = await send(page);
    expect(answer.status).toBe(200);
    id = answer.body.match(/"inf_id": "([^"]+)"/)?.[1] ?? '';
    expect(id).toMatch(/^\S+$/);
    // The response's headers are shown with its status and body.
    expect(answer.headers.toLowerCase()).toContain('content-type');
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: `${resultsDir}console.png` });
  });

  it('keeps the token in this tab only (session storage), never in local storage', async () => {
    const stored = await page.evaluate(() => ({
      session: JSON.stringify({ ...sessionStorage }),
      local: JSON.stringify({ ...localStorage }),
    }));
    expect(stored.session).toContain(token);
    expect(stored.local).not.toContain(token);
  });

  it('gets it, with the id of the last create filled in, until it is ACTIVE', async () => {
    await openOperation(page, site.url, 'Get a deployment');
    expect(await page.getByLabel('inference_id').inputValue()).toBe(id);
    const seen = await getUntil((a) => statusOf(a) === 'ACTIVE');
    expect(seen.every((a) => a.status === 200)).toBe(true);
    expect(seen.map(statusOf)).toContain('ACTIVE');
  });

  it('lists it, sent from the keyboard alone', async () => {
    await openOperation(page, site.url, 'List deployments');
    // Tab to the send button as a keyboard reader would (bounded), then press Enter.
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => document.activeElement?.textContent?.includes('Send API Request') ?? false,
      );
    }
    expect(reached).toBe(true);
    const answer = await send(page, { key: 'Enter' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(id);
  });

  it('stops it (INACTIVE) and starts it again (ACTIVE)', async () => {
    await openOperation(page, site.url, 'Stop a deployment (scale to zero)');
    expect((await send(page)).status).toBe(200);
    await openOperation(page, site.url, 'Get a deployment');
    await getUntil((a) => statusOf(a) === 'INACTIVE');
    await openOperation(page, site.url, 'Start a stopped deployment');
    expect((await send(page)).status).toBe(200);
    await openOperation(page, site.url, 'Get a deployment');
    const seen = await getUntil((a) => statusOf(a) === 'ACTIVE');
    expect(seen.map(statusOf)).toContain('ACTIVE');
  });

  it('deletes it; get then answers 404', async () => {
    await openOperation(page, site.url, 'Delete a deployment');
    expect((await send(page)).status).toBe(200);
    await openOperation(page, site.url, 'Get a deployment');
    const seen = await getUntil((a) => a.status === 404);
    expect(seen.at(-1)?.body).toContain('"success": false');
  });

  it('shows the 422 of an invalid create, with the fields named', async () => {
    await openOperation(page, site.url, 'Create a deployment');
    const editor = page.locator('.TryItPanel textarea').first();
    const body = JSON.parse(await editor.inputValue());
    // At least one worker at all times, and scale to zero: the API refuses the pair.
    body.initial_worker_config.min_workers = 1;
    body.autoscaling_config.scale_to_zero = true;
    await editor.fill(JSON.stringify(body, null, 2));
    const answer = await send(page);
    expect(answer.status).toBe(422);
    expect(answer.body).toContain('"field": "autoscaling_config.scale_to_zero"');
    expect(answer.body).toContain('min_workers');
  });

  it('checks the body as the reader types, naming the field', async () => {
    await openOperation(page, site.url, 'Create a deployment');
    const editor = page.locator('.TryItPanel textarea').first();
    const check = page.locator('#sgi-body-check');
    await editor.fill('{ "name": ');
    await expect.poll(() => check.textContent()).toContain('Not valid JSON');
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    await editor.fill(JSON.stringify(seedExample(), null, 2));
    await expect.poll(() => check.getAttribute('data-valid')).toBe('true');
    // A misspelt field typed at the top of the body, key by key.
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type(' "nmae": "typo",');
    await expect.poll(() => check.textContent()).toContain('nmae: not a field of this request');
    expect(await check.getAttribute('data-valid')).toBe('false');
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
  });

  it('fits a 390 px screen with an operation and its console open, and still sends', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site.url}console.html#/operations/listInferenceDeployments`, { waitUntil: 'load' });
      const sendButton = page.getByRole('button', { name: 'Send API Request' });
      await sendButton.waitFor({ state: 'visible', timeout: 120_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await sendButton.scrollIntoViewIfNeeded();
      expect((await send(page)).status).toBe(200);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.locator('.TryItPanel').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${resultsDir}console-390.png` });
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('logged no console error and sent no request beyond loopback', () => {
    expect(requests.some((url) => url.startsWith(mock.url))).toBe(true);
    expect(requests.filter((url) => !staysLocal(url))).toEqual([]);
    // Chromium logs every 4xx a page receives; the 404 and 422 above are the ones the reader asked for.
    const asked = /^Failed to load resource: the server responded with a status of (404|422)/;
    expect(consoleErrors.filter((e) => !asked.test(e))).toEqual([]);
  });
});
