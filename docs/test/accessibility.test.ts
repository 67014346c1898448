import { AxeBuilder } from '@axe-core/playwright';
import { type MockServer, startMockServer } from '@sgi/mock';
import { launchBrowser } from '@sgi/testing/browser';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidePage, guides } from '../src/guides.js';
import { serveSite } from '../src/serve.js';
import { redocReady } from './support/page.js';
import { DESKTOP } from './support/site.js';

/**
 * axe-core, run in Chromium on every page: every guide, and the reference with "Try it" open and
 * closed, light and dark. A public site owes its readers no serious or critical violation of WCAG 2.1
 * A/AA; and a "Try it" that a keyboard reader can use to the end.
 */

let mock: MockServer;
let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0 });
  site = await serveSite({ port: 0, sandboxUrl: mock.url });
  browser = await launchBrowser({ viewport: DESKTOP });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
});

/** The serious and critical violations axe finds on the page as it is now, one line each. */
async function seriousViolations(): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 5).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

// axe walks every node of a page: on the reference's (thousands of nodes) it takes many seconds on a busy machine.
describe('accessibility (axe-core)', { timeout: 240_000 }, () => {
  it.each(guides.map((g) => [g.slug]))('finds nothing serious on the %s guide', async (slug) => {
    await page.goto(`${site.url}${guidePage(slug)}`, { waitUntil: 'load' });
    expect(await seriousViolations()).toEqual([]);
  });

  it.each([
    ['client', 1400],
    ['client', 390],
    ['sandbox', 1400],
    ['sandbox', 390],
  ] as const)('finds nothing serious on the %s guide at %i px, light and dark', async (slug, width) => {
    await page.setViewportSize({ width, height: 844 });
    try {
      await page.goto(`${site.url}${guidePage(slug)}`, { waitUntil: 'load' });
      expect(await seriousViolations()).toEqual([]);
      if (width < 1181) await page.locator('header.site-header .site-menu').click();
      await page.locator('header.site-header .site-theme').click();
      await expect.poll(() => page.locator('html').getAttribute('class')).toContain('dark');
      expect(await seriousViolations()).toEqual([]);
    } finally {
      await page.evaluate(() => localStorage.removeItem('redoc.colorMode'));
      await page.setViewportSize(DESKTOP);
    }
  });

  it("finds nothing serious on the reference at 390 px with the site's menu open, light and dark", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
      await page.locator('h1').first().waitFor({ timeout: 120_000 });
      await page.locator('header.site-header .site-menu').click();
      await page.locator('.site-nav-ops').waitFor({ state: 'visible' });
      expect(await seriousViolations()).toEqual([]);
      await redocReady(page);
      await page.locator('.site-nav-theme').click();
      await expect.poll(() => page.locator('html').getAttribute('class')).toContain('dark');
      expect(await seriousViolations()).toEqual([]);
      await redocReady(page);
      await page.locator('.site-nav-theme').click();
      await expect.poll(() => page.locator('html').getAttribute('class')).not.toContain('dark');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('finds nothing serious on the reference, at its start and at an open operation, light and dark', async () => {
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    expect(await seriousViolations()).toEqual([]);
    await page.goto(`${site.url}index.html#/other/createinferencedeployment`, { waitUntil: 'load' });
    await page.locator('h2').filter({ hasText: 'Create a deployment' }).first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await redocReady(page);
    await page.locator('[data-component-name="icons/MoonIcon/MoonIcon"]').first().click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toContain('dark');
    expect(await seriousViolations()).toEqual([]);
  });

  it('finds nothing serious with Try it open, before and after it sends, light and dark', async () => {
    for (const mode of ['light', 'dark']) {
      for (const operation of ['createinferencedeployment', 'getinferencedeployment']) {
        await page.goto(`${site.url}index.html#/other/${operation}`, { waitUntil: 'load' });
        await page.evaluate((m) => localStorage.setItem('redoc.colorMode', m), mode);
        await page.reload({ waitUntil: 'load' });
        await expect.poll(() => page.locator('html').getAttribute('class')).toContain(mode);
        const section = page.locator(`[data-section-id="/other/${operation}"]`);
        const toggle = section.getByRole('button', { name: 'Try it in the sandbox' });
        await toggle.waitFor({ timeout: 120_000 });
        if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
        const form = section.locator('.sgi-tryit-form');
        await form.getByLabel('Access token').fill('axe-reader');
        const answered = page.waitForResponse(
          (r) => r.url().startsWith(mock.url) && r.request().method() !== 'OPTIONS',
        );
        await form.getByRole('button', { name: 'Send' }).click();
        await answered;
        await form.locator('.sgi-tryit-status strong').waitFor();
        // The body check's message, invalid and valid.
        const editor = form.getByLabel('Request body (JSON)');
        if ((await editor.count()) > 0) await editor.fill('{"nmae": 1}');
        await page.waitForTimeout(300);
        expect(await seriousViolations(), `${mode} ${operation}`).toEqual([]);
      }
    }
    await page.evaluate(() => localStorage.clear());
  }, 600_000); // four loads of the reference and four axe runs: minutes on a busy machine

  it('finds nothing serious on the former console address, which leads to the reference', async () => {
    await page.goto(`${site.url}console.html#/operations/getInferenceDeployment`, { waitUntil: 'load' });
    await page.waitForURL(/index\.html#\/other\/getinferencedeployment$/);
    await page.locator('[data-section-id="/other/getinferencedeployment"]').waitFor();
    expect(await seriousViolations()).toEqual([]);
  });

  it('catches a page that breaks the rules (the check can fail)', async () => {
    await page.setContent(
      '<!DOCTYPE html><html><head><title>broken</title></head><body>' +
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>' +
        '<p style="color:#777;background:#888">unreadable</p><input type="text"></body></html>',
    );
    const found = (await seriousViolations()).map((line) => line.split(' ')[0]);
    expect(found).toEqual(expect.arrayContaining(['image-alt', 'button-name', 'color-contrast', 'label']));
  });
});

/**
 * Marks every control of the open "Try it" (buttons, fields, focusable regions) that a reader can see,
 * and returns how many there are.
 */
function markControls(operation: string): Promise<number> {
  return page.evaluate((scope) => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [role="button"]';
    for (const marked of document.querySelectorAll<HTMLElement>('[data-control]'))
      delete marked.dataset.control;
    let n = 0;
    for (const element of document.querySelectorAll<HTMLElement>(`${scope} .sgi-tryit :is(${selector})`)) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      const hidden =
        box.width === 0 ||
        box.height === 0 ||
        style.visibility === 'hidden' ||
        element.closest('[aria-hidden="true"], [hidden], [inert]') != null;
      if (hidden || element.getAttribute('tabindex') === '-1' || (element as HTMLButtonElement).disabled)
        continue;
      element.dataset.control = String(n++);
    }
    return n;
  }, `[data-section-id="/other/${operation}"]`);
}

/** Presses Tab from the focused element until every marked control had the focus (bounded). */
async function tabThrough(count: number): Promise<string[]> {
  // From the first control (the "Try it" button).
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-control="0"]')?.focus());
  const seen = new Set<string>(['0']);
  for (let steps = 0; steps < count * 2 + 10 && seen.size < count; steps++) {
    await page.keyboard.press('Tab');
    const control = await page.evaluate(
      () => (document.activeElement as HTMLElement | null)?.dataset.control,
    );
    if (control !== undefined) seen.add(control);
  }
  return page.evaluate(
    (reached) =>
      [...document.querySelectorAll<HTMLElement>('[data-control]')]
        .filter((e) => !reached.includes(e.dataset.control ?? ''))
        .map(
          (e) =>
            `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 40)}"`,
        ),
    [...seen],
  );
}

/** Opens an operation's "Try it" from the keyboard: focus on its button, Enter. */
async function openTryIt(operation: string): Promise<void> {
  await page.goto(`${site.url}index.html#/other/${operation}`, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  const toggle = page
    .locator(`[data-section-id="/other/${operation}"]`)
    .getByRole('button', { name: 'Try it in the sandbox' });
  await toggle.waitFor({ timeout: 120_000 });
  await toggle.focus();
  await page.keyboard.press('Enter');
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await toggle.focus();
}

/** The language switcher of an operation's code samples. */
const switcherSelector = (route: string) =>
  `[data-section-id="${route}"] [data-testid="right-panel"] button[aria-haspopup="menu"]:not([aria-label="Example"])`;

/**
 * From the focus on an operation's heading, the keys (Tab, and Enter on a link or button that leads to
 * the samples) it takes to reach its samples' language switcher; Infinity beyond `limit`.
 */
async function keysToSwitcher(route: string, limit: number): Promise<number> {
  for (let keys = 1; keys <= limit; keys++) {
    const onSkip = await page.evaluate(() => document.activeElement?.classList.contains('sgi-to-samples'));
    await page.keyboard.press(onSkip ? 'Enter' : 'Tab');
    const there = await page.evaluate(
      (selector) => document.activeElement?.matches(selector) ?? false,
      switcherSelector(route),
    );
    if (there) return keys;
  }
  return Number.POSITIVE_INFINITY;
}

/** Chooses an operation from a menu link and waits until the focus is on it. */
async function chooseOperation(link: ReturnType<Page['locator']>, route: string): Promise<void> {
  await link.click();
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          document.activeElement?.closest('[data-section-id]')?.getAttribute('data-section-id'),
        ),
      { timeout: 15_000 },
    )
    .toBe(route);
}

describe('the reference from the keyboard', { timeout: 120_000 }, () => {
  it("reaches the samples' language switcher within 3 keys of a chosen operation, at 1400 px and 390 px, not under the header", async () => {
    const route = '/other/createinferencedeployment';
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    await chooseOperation(
      page.locator('[data-component-name="Menu/Menu"] a').filter({ hasText: 'Create a deployment' }).first(),
      route,
    );
    expect(await keysToSwitcher(route, 10)).toBeLessThanOrEqual(3);
    const box = await page.locator(switcherSelector(route)).first().boundingBox();
    expect(box?.y ?? 0).toBeGreaterThanOrEqual(52); // below the sticky header
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Python', exact: true }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
      await page.locator('h1').first().waitFor({ timeout: 120_000 });
      await page.locator('header.site-header .site-menu').click();
      await chooseOperation(
        page.locator('.site-nav-ops a').filter({ hasText: 'Create a deployment' }),
        route,
      );
      expect(await keysToSwitcher(route, 10)).toBeLessThanOrEqual(3);
      const phone = await page.locator(switcherSelector(route)).first().boundingBox();
      expect(phone?.y ?? 0).toBeGreaterThanOrEqual(52);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('counts the keys to the switcher (the check can fail): without the way to the samples, many more', async () => {
    const route = '/other/createinferencedeployment';
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    await chooseOperation(
      page.locator('[data-component-name="Menu/Menu"] a').filter({ hasText: 'Create a deployment' }).first(),
      route,
    );
    await page.evaluate(() => {
      for (const b of document.querySelectorAll('.sgi-to-samples')) b.setAttribute('tabindex', '-1');
    });
    await page.locator(`[data-section-id="${route}"] h2`).first().focus();
    expect(await keysToSwitcher(route, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reaches every control of an open Try it with Tab, and sends with Enter', async () => {
    await openTryIt('createinferencedeployment');
    const count = await markControls('createinferencedeployment');
    expect(count).toBeGreaterThanOrEqual(6); // toggle, token, quirks, example, body, send
    expect(await tabThrough(count)).toEqual([]);
    const form = page.locator('[data-section-id="/other/createinferencedeployment"] .sgi-tryit-form');
    await form.getByLabel('Access token').fill('keyboard-reader');
    await form.getByRole('button', { name: 'Send' }).focus();
    const answered = page.waitForResponse(
      (r) => r.url().startsWith(mock.url) && r.request().method() !== 'OPTIONS',
    );
    await page.keyboard.press('Enter');
    expect((await answered).status()).toBe(200);
  });

  it('finds a control that Tab cannot reach (the check can fail)', async () => {
    await openTryIt('getinferencedeployment');
    await page.evaluate(() => {
      const unreachable = document.createElement('div');
      unreachable.setAttribute('role', 'button');
      unreachable.textContent = 'unreachable';
      document
        .querySelector('[data-section-id="/other/getinferencedeployment"] .sgi-tryit-form:not([hidden])')
        ?.append(unreachable);
    });
    const count = await markControls('getinferencedeployment');
    expect(await tabThrough(count)).toEqual(['div "unreachable"']);
  });

  it('has a skip link first, names the dark mode button after what it does, and moves the focus to a chosen operation', async () => {
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement?.textContent);
    expect(skip).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toMatch(/^H[12]$/);
    expect(await page.evaluate(() => location.hash)).toBe('');
    const mode = page.locator('[data-testid="color-mode-switcher"]');
    await expect.poll(() => mode.getAttribute('aria-label')).toBe('Dark mode');
    await chooseOperation(
      page.getByRole('link', { name: /Get a deployment/ }).first(),
      '/other/getinferencedeployment',
    );
    await page.goto(`${site.url}guides/testing.html`, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sgi-content');
  });
});
