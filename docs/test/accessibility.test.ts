import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidePage, guides } from '../src/guides.js';
import { serveSite } from '../src/serve.js';
import { launchBrowser, staysLocal } from './support/browser.js';

/**
 * axe-core, run in Chromium on every guide. A public site owes its readers no serious or critical violation of
 * WCAG 2.1 A/AA.
 */

let site: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  site = await serveSite({ port: 0 });
  browser = await launchBrowser();
  await browser.context.route(
    (url) => !staysLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
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

describe('accessibility (axe-core)', () => {
  it.each(guides.map((g) => [g.slug]))('finds nothing serious on the %s guide', async (slug) => {
    await page.goto(`${site.url}${guidePage(slug)}`, { waitUntil: 'load' });
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
