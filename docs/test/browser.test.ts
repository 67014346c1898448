import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchBrowser, staysLocal } from '@sgi/testing/browser';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidePage, guides } from '../src/guides.js';
import { serveSite } from '../src/serve.js';
import { redocReady, watchedPage } from './support/page.js';
import { DESKTOP, type Operation, operations, referenceRoute, sitePages } from './support/site.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));

let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let requests: string[];
let consoleErrors: string[];

beforeAll(async () => {
  site = await serveSite({ port: 0 });
  browser = await launchBrowser({ viewport: DESKTOP });
  // Record every request the pages make (the launcher aborts any that would leave the machine), so
  // that a regression is reported by the last test below instead of reaching the network.
  ({ page, requests, consoleErrors } = await watchedPage(browser.context));
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

  /** Opens the header's search with Ctrl+K, types a query, and returns the results' texts. */
  async function searchFor(query: string): Promise<string[]> {
    await page.keyboard.press('Control+k');
    const input = page.getByRole('dialog', { name: 'Search the documentation' }).getByRole('searchbox');
    await input.waitFor({ state: 'visible' });
    await input.fill(query);
    const results = page.locator('.site-search-results a');
    await results
      .first()
      .waitFor({ state: 'visible', timeout: 5_000 })
      .catch(() => undefined);
    const texts = await results.allTextContents();
    await page.keyboard.press('Escape');
    return texts;
  }

  it('finds fields, guides and operations with one search, opened by Ctrl+K', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor();
    expect((await searchFor('scale_to_zero_timeout_sec')).join('\n')).toContain('scale_to_zero_timeout_sec');
    // The guides are searched too.
    expect((await searchFor('sandbox')).some((t) => t.startsWith('Testing against the mock'))).toBe(true);
    expect(
      (await searchFor('authenticate')).some((t) => t.startsWith('Getting started › Authenticate')),
    ).toBe(true);
    // Forms of a word find each other, titles weigh more than text, samples are searched too.
    expect((await searchFor('authenticate')).some((t) => t.startsWith('Authentication'))).toBe(true);
    expect((await searchFor('get a token'))[0]).toMatch(/^Authentication › /);
    expect((await searchFor('urlopen')).some((t) => / sample/.test(t))).toBe(true);
    // Snippets keep the space between words that the page shows in separate cells or lines.
    const provisioning = (await searchFor('PROVISIONING')).join('\n');
    expect(provisioning).toContain('PROVISIONING');
    expect(provisioning).not.toMatch(/PROVISIONING[a-z]/);
    // The one search on the page is the site's: Redoc's own box is hidden.
    expect(await page.locator('[data-testid="search-trigger"]').first().isVisible()).toBe(false);
  });

  it('opens the search from the header after scrolling, and from a guide at 390 px', async () => {
    await page.goto(`${site.url}index.html#/other/deleteinferencedeployment`, { waitUntil: 'load' });
    await page.mouse.wheel(0, 3000);
    const button = page.locator('header.site-header .site-search');
    expect(await button.isVisible()).toBe(true);
    await button.click();
    expect(await page.getByRole('dialog', { name: 'Search the documentation' }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site.url}guides/lifecycle.html`, { waitUntil: 'load' });
      expect(await button.isVisible()).toBe(true);
      expect((await searchFor('X-Sandbox-Outcome')).length).toBeGreaterThan(0);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
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

  it("opens an operation from a guide's link to it: its stable page, then the reference", async () => {
    const create = operations().find((op) => op.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation in the spec');
    await page.goto(`${site.url}guides/getting-started.html`, { waitUntil: 'load' });
    await page.locator(`main a[href="../operations/${create.operationId}.html"]`).first().click();
    await page.waitForURL(`${site.url}operations/${create.operationId}.html`);
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

  /** Opens an operation and shows its sample in `language`; returns the samples panel's text. */
  async function sampleText(op: Operation, language: string): Promise<string> {
    await page.goto(`${site.url}index.html#${referenceRoute(op)}`, { waitUntil: 'load' });
    const picker = page
      .locator('button[aria-haspopup="menu"]')
      .filter({ hasText: /^(curl|TypeScript|Python|Payload)$/ });
    await picker.first().waitFor({ state: 'visible' });
    await picker.first().click();
    await page.getByRole('menuitem', { name: language, exact: true }).first().click();
    await expect.poll(() => picker.first().textContent()).toBe(language);
    return (
      (await picker
        .first()
        .locator('xpath=ancestor::*[@data-component-name="Panel/Panel"][1]')
        // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees, not hidden text
        .innerText()) ?? ''
    );
  }

  it('shows the curl, TypeScript and Python samples of every operation', async () => {
    for (const op of operations()) {
      expect(await sampleText(op, 'TypeScript'), op.operationId).toContain('createClient');
      expect(await sampleText(op, 'Python'), op.operationId).toContain('urllib.request');
      expect(await sampleText(op, 'curl'), op.operationId).toContain('curl');
    }
  });

  it("shows the create samples under the example picker's label for the same model", async () => {
    const create = operations().find((op) => op.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation');
    const text = await sampleText(create, 'curl');
    expect(text).toContain('Llama-3.1-70B-Instruct');
    // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees, not hidden text
    const body = await page.locator('main, body').first().innerText();
    expect(body).toContain('A 70B chat model');
    expect(body).not.toContain('8B-Instruct');
  });

  it('shows the bearer token as the one way to call, and how to get one', async () => {
    await page.goto(`${site.url}index.html#/other/listinferencedeployments`, { waitUntil: 'load' });
    const security = page
      .locator('[data-component-name="Panel/Panel"]')
      .filter({ hasText: 'Security' })
      .first();
    await security.waitFor({ state: 'visible' });
    // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees, not hidden text
    const text = await security.innerText();
    expect(text).toContain('BearerAuth');
    expect(text).not.toContain('ClientCredentials');
    expect(text).not.toMatch(/\bor\b/);
    await security.getByRole('button', { name: 'View security details' }).click();
    // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees, not hidden text
    await expect.poll(() => page.locator('body').innerText()).toContain('How to get a token');
    await page.keyboard.press('Escape');
  });

  it("keeps the reader's dark mode from the reference to the guides and back", async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    const html = page.locator('html');
    const dark = async () => (await html.getAttribute('class'))?.split(/\s+/).includes('dark');
    if (await dark()) throw new Error('the reference starts dark in a fresh profile');
    await redocReady(page);
    await page.locator('[data-component-name="icons/MoonIcon/MoonIcon"]').first().click();
    await expect.poll(dark).toBe(true);
    await page.locator('header.site-header').getByRole('link', { name: 'Errors', exact: true }).click();
    await page.waitForURL(/errors-and-retries/);
    expect(await dark()).toBe(true);
    // Guides have a switch of their own; the reference follows it.
    await page.locator('header.site-header .site-theme').click();
    expect(await dark()).toBe(false);
    await page.locator('header.site-header').getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/index\.html/);
    await page.locator('h1').first().waitFor();
    await expect.poll(dark).toBe(false);
  });

  it('gives every code block of the guides highlighting and a working copy button', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
    for (const { slug } of guides) {
      await page.goto(`${site.url}${guidePage(slug)}`, { waitUntil: 'load' });
      const blocks = page.locator('main .code-block');
      const count = await blocks.count();
      if (count === 0) continue;
      expect(await blocks.locator('.copy-code').count(), slug).toBe(count);
    }
    await page.goto(`${site.url}${guidePage('getting-started')}`, { waitUntil: 'load' });
    expect(await page.locator('main pre .hljs-string').count()).toBeGreaterThan(0);
    const first = page.locator('main .code-block').first();
    await first.locator('.copy-code').click();
    await expect.poll(() => first.locator('.copy-code').textContent()).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await first.locator('code').textContent());
  });

  // It walks every page of the site (guides, both references, a page per operation): a bound of its own.
  it('fits every page in 390 px, with a menu button that opens the site menu', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of sitePages()) {
        await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
        await page.locator('h1').first().waitFor();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(wide, path).toBeLessThanOrEqual(390);
        const menu = page.locator('header.site-header .site-menu');
        expect(await menu.isVisible(), path).toBe(true);
        const nav = page.locator('header.site-header nav');
        expect(await nav.isVisible(), path).toBe(false);
        await menu.click();
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        await nav.getByRole('link', { name: 'Changelog' }).waitFor({ state: 'visible' });
        await page.keyboard.press('Escape');
        expect(await nav.isVisible(), path).toBe(false);
      }
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  }, 300_000);

  it('shows every link of the header in full, from 1300 px to 1400 px and wider', async () => {
    try {
      for (const width of [1920, 1400, 1300]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${site.url}${guidePage('testing')}`, { waitUntil: 'load' });
        const clipped = await page.evaluate(() => {
          const nav = document.querySelector('header.site-header nav');
          if (!nav) return ['no nav'];
          const box = nav.getBoundingClientRect();
          return [...nav.querySelectorAll('a')]
            .filter((a) => {
              const r = a.getBoundingClientRect();
              return r.width === 0 || r.left < box.left - 1 || r.right > box.right + 1;
            })
            .map((a) => a.textContent);
        });
        expect(clipped, `${width} px`).toEqual([]);
      }
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it("on a phone (390 px) the reference has one menu, the site's: it lists and opens every operation and switches dark mode", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
      await page.locator('h1').first().waitFor();
      // Redoc's own menu button is on the page, and hidden: the site's is the only menu.
      const redocMenu = page.locator('button[aria-label="Open navigation menu"]');
      await expect.poll(() => redocMenu.count()).toBeGreaterThan(0);
      expect(await redocMenu.first().isVisible()).toBe(false);
      const menu = page.locator('header.site-header .site-menu');
      expect(await menu.isVisible()).toBe(true);
      const nav = page.locator('header.site-header nav');
      for (const op of operations()) {
        await menu.click();
        const link = nav.getByRole('link', { name: op.summary, exact: true });
        await link.waitFor({ state: 'visible' });
        await link.click();
        // The menu closes, and the operation is shown, with the focus on it.
        expect(await nav.isVisible(), op.operationId).toBe(false);
        await expect
          .poll(
            () =>
              page.evaluate(() =>
                document.activeElement?.closest('[data-section-id]')?.getAttribute('data-section-id'),
              ),
            { timeout: 15_000, message: op.operationId },
          )
          .toBe(referenceRoute(op));
      }
      await redocReady(page);
      await menu.click();
      const dark = nav.getByRole('button', { name: 'Dark mode' });
      await dark.click();
      await expect.poll(() => page.locator('html').getAttribute('class')).toContain('dark');
      expect(await dark.getAttribute('aria-pressed')).toBe('true');
      await dark.click();
      await expect.poll(() => page.locator('html').getAttribute('class')).not.toContain('dark');
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  }, 180_000);

  it("keeps a sample's copy button off its code, the URL's line included, at 390 px and 1400 px", async () => {
    for (const width of [390, 1400]) {
      await page.setViewportSize({ width, height: 844 });
      try {
        for (const op of operations()) {
          await page.goto(`${site.url}index.html#${referenceRoute(op)}`, { waitUntil: 'load' });
          const pre = page
            .locator(`[data-section-id="${referenceRoute(op)}"] [data-testid="right-panel"] pre`)
            .filter({ hasText: 'SCALEGEN_BASE_URL' })
            .first();
          await pre.waitFor({ state: 'visible' });
          const overlap = await pre.evaluate((element) => {
            const controls = element.parentElement?.querySelector(
              '[data-component-name="CodeBlock/CodeBlockControls"]',
            );
            if (!controls) return 'no copy button';
            const button = controls.getBoundingClientRect();
            const range = document.createRange();
            range.selectNodeContents(element);
            const first = range.getClientRects()[0];
            if (!first) return 'no code';
            const across = first.left < button.right && first.right > button.left;
            const down = first.top < button.bottom && first.bottom > button.top;
            return across && down
              ? `the copy button (${button.top}-${button.bottom}) covers the first line (${first.top}-${first.bottom})`
              : '';
          });
          expect(overlap, `${op.operationId} at ${width} px`).toBe('');
        }
      } finally {
        await page.setViewportSize({ width: 1400, height: 900 });
      }
    }
  });

  it('logged no console error and sent no request beyond loopback', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !staysLocal(url))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
