import { AxeBuilder } from '@axe-core/playwright';
import { type MockServer, startMockServer } from '@sgi/mock';
import { launchBrowser } from '@sgi/testing/browser';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidePage, guides } from '../src/guides.js';
import { serveSite } from '../src/serve.js';
import { openOperation, send, setToken } from './support/console.js';
import { DESKTOP } from './support/site.js';

/**
 * axe-core, run in Chromium on every guide, on the reference and on an open console. A public site owes
 * its readers no serious or critical violation of WCAG 2.1 A/AA; and a console that a keyboard reader
 * can use to the end.
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

// axe walks every node of a page: on the console's (thousands of nodes) it takes many seconds on a busy machine.
describe('accessibility (axe-core)', { timeout: 240_000 }, () => {
  it.each(guides.map((g) => [g.slug]))('finds nothing serious on the %s guide', async (slug) => {
    await page.goto(`${site.url}${guidePage(slug)}`, { waitUntil: 'load' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('finds nothing serious on the reference, at its start and at an open operation, light and dark', async () => {
    await page.goto(`${site.url}index.html`, { waitUntil: 'load' });
    await page.locator('h1').first().waitFor({ timeout: 120_000 });
    expect(await seriousViolations()).toEqual([]);
    await page.goto(`${site.url}index.html#/other/createinferencedeployment`, { waitUntil: 'load' });
    await page.locator('h2').filter({ hasText: 'Create a deployment' }).first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await page.locator('[data-component-name="icons/MoonIcon/MoonIcon"]').first().click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toContain('dark');
    expect(await seriousViolations()).toEqual([]);
  });

  it('finds nothing serious on an open console, before and after it sends a request', async () => {
    await page.evaluate(() => localStorage.clear()); // back to the light theme
    await openOperation(page, site.url, 'Create a deployment');
    expect(await seriousViolations()).toEqual([]);
    await setToken(page, 'axe-reader');
    expect((await send(page)).status).toBe(200);
    expect(await seriousViolations()).toEqual([]);
    await openOperation(page, site.url, 'Get a deployment');
    expect((await send(page)).status).toBe(200);
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
 * Marks every control of the open console (links, buttons, fields, focusable regions) that a reader can
 * see, and returns how many there are. Controls a composite widget reaches with arrow keys (a tab list's
 * other tabs, `tabindex="-1"`) are left out, as the Tab key skips them by design.
 */
function markControls(): Promise<number> {
  return page.evaluate(() => {
    const selector =
      'a[href], button, input, select, textarea, [tabindex], [role="button"], [role="tab"], [role="link"]';
    for (const marked of document.querySelectorAll<HTMLElement>('[data-control]'))
      delete marked.dataset.control;
    let n = 0;
    for (const element of document.querySelectorAll<HTMLElement>(`elements-api :is(${selector})`)) {
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
  });
}

/** Presses Tab from the top of the page until every marked control had the focus (bounded). */
async function tabThrough(count: number): Promise<{ missed: string[]; steps: number }> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen = new Set<string>();
  let steps = 0;
  for (; steps < count * 2 + 60 && seen.size < count; steps++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return { control: element?.dataset.control, editor: element instanceof HTMLTextAreaElement };
    });
    if (focused.control !== undefined) seen.add(focused.control);
    // The body editor takes Tab to indent; the page tells the reader how to leave it: Esc, then Tab.
    if (focused.editor) await page.keyboard.press('Escape');
  }
  const missed = await page.evaluate(
    (reached) =>
      [...document.querySelectorAll<HTMLElement>('[data-control]')]
        .filter((e) => !reached.includes(e.dataset.control ?? ''))
        .map(
          (e) =>
            `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 40)}"`,
        ),
    [...seen],
  );
  return { missed, steps };
}

describe('the console from the keyboard', { timeout: 120_000 }, () => {
  it('reaches every control of an open console with Tab', async () => {
    await openOperation(page, site.url, 'Create a deployment');
    const count = await markControls();
    expect(count).toBeGreaterThan(20); // the operation list, the schema, the try-it panel, the samples
    const { missed } = await tabThrough(count);
    expect(missed).toEqual([]);
  });

  it('finds a control that Tab cannot reach (the check can fail)', async () => {
    await openOperation(page, site.url, 'Get a deployment');
    await page.evaluate(() => {
      const unreachable = document.createElement('div');
      unreachable.setAttribute('role', 'button');
      unreachable.textContent = 'unreachable';
      document.querySelector('elements-api .TryItPanel')?.append(unreachable);
    });
    const count = await markControls();
    const { missed } = await tabThrough(count);
    expect(missed).toEqual(['div "unreachable"']);
  });

  it('opens the body examples menu and expands a schema field from the keyboard', async () => {
    await openOperation(page, site.url, 'Create a deployment');
    const editor = page.locator('.TryItPanel textarea').first();
    const before = await editor.inputValue();
    await page.getByRole('button', { name: 'Examples' }).focus();
    await page.keyboard.press('Enter');
    const items = page.getByRole('menuitem');
    await items.first().waitFor({ state: 'visible' });
    expect(await items.count()).toBeGreaterThan(1);
    // Down to the second example (the first is the one shown), then pick it.
    const first = (await items.first().textContent()) ?? '';
    let focused = '';
    for (let i = 0; i < 4 && (focused === '' || focused === first); i++) {
      await page.keyboard.press('ArrowDown');
      focused = await page.evaluate(() =>
        document.activeElement?.getAttribute('role') === 'menuitem'
          ? (document.activeElement.textContent ?? '')
          : '',
      );
    }
    expect(focused).not.toBe(first);
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.inputValue()).not.toBe(before);

    const toggle = page.locator('elements-api [role="button"][aria-label^="Fields of"]').first();
    const expanded = await toggle.getAttribute('aria-expanded');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => toggle.getAttribute('aria-expanded'))
      .toBe(expanded === 'true' ? 'false' : 'true');
  });
});
