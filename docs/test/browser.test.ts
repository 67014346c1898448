import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../src/serve.js';
import { launchBrowser, staysLocal } from './support/browser.js';
import { operations, referenceRoute } from './support/site.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));

let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  site = await serveSite({ port: 0 });
  browser = await launchBrowser();
  // Record every request the pages make; abort any that would leave the machine, so that a
  // regression is reported by the last test below instead of reaching the network.
  browser.context.on('request', (request) => requests.push(request.url()));
  await browser.context.route(
    (url) => !staysLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text().slice(0, 300));
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message.slice(0, 300)}`));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('the API reference in Chromium', () => {
  it('renders, and shows every operation of the spec', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await expect.poll(() => page.locator('h1').first().textContent()).toContain('ScaleGenAI Inference API');
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: `${resultsDir}reference.png` });

    const ops = operations();
    expect(ops.length).toBeGreaterThan(0);
    const sidebar = page.locator('[data-component-name="Menu/Menu"]').first();
    for (const op of ops) {
      // The sidebar lists the operation under its route (opening its tag's group if it has one),
      // with its summary and method...
      const item = sidebar.locator(`a[href="#${referenceRoute(op)}"]`).first();
      const listed = await item.waitFor({ state: 'visible', timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (!listed) await sidebar.getByText(op.tag, { exact: true }).first().click();
      await expect.poll(() => item.textContent(), { message: op.operationId }).toContain(op.summary);
      expect((await item.textContent())?.toLowerCase()).toContain(op.method);
      // ...and opening it shows the operation itself: its summary as a heading and its path.
      await item.click();
      await expect.poll(() => page.url()).toContain(`#${referenceRoute(op)}`);
      const heading = page.locator('h1, h2').filter({ hasText: new RegExp(`^${escapeRegExp(op.summary)}$`) });
      await heading.first().waitFor({ state: 'visible' });
      expect(await heading.first().isVisible()).toBe(true);
      await expect.poll(() => page.getByText(op.path, { exact: true }).count()).toBeGreaterThan(0);
    }
  });

  it('finds scale_to_zero_timeout_sec with its search', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await page
      .locator('[data-component-name="Search/SearchTrigger"], [data-component-name*="Search"]')
      .first()
      .click();
    await page.keyboard.type('scale_to_zero_timeout_sec');
    const results = page.locator('[data-component-name="Search/SearchItem"]');
    await results.first().waitFor({ state: 'visible' });
    expect(await results.count()).toBeGreaterThan(0);
    await expect.poll(() => results.first().textContent()).toContain('scale_to_zero_timeout_sec');
    await page.keyboard.press('Escape');
  });

  it('opens a guide from the reference, and comes back', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await page.locator('header.site-header').getByRole('link', { name: 'Getting started' }).click();
    await page.waitForURL(`${site.url}guides/getting-started.html`);
    expect(await page.locator('main h1').textContent()).toBe('Getting started');
    await page.locator('header.site-header').getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(`${site.url}index.html`);
    await expect.poll(() => page.locator('h1').first().textContent()).toContain('ScaleGenAI Inference API');
  });

  it("opens an operation from a guide's link to it", async () => {
    const create = operations().find((op) => op.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation in the spec');
    await page.goto(`${site.url}guides/getting-started.html`, { waitUntil: 'load' });
    await page
      .locator(`main a[href="../index.html#${referenceRoute(create)}"]`)
      .first()
      .click();
    await page.waitForURL(`${site.url}index.html#${referenceRoute(create)}`);
    const heading = page
      .locator('h1, h2')
      .filter({ hasText: new RegExp(`^${escapeRegExp(create.summary)}$`) });
    await heading.first().waitFor({ state: 'visible' });
    expect(await heading.first().isVisible()).toBe(true);
  });

  it('logged no console error and sent no request beyond loopback', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !staysLocal(url))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
