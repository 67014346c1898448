import type { Page } from 'playwright-core';

/** What the console shows of one response: its status, its body, and its headers, as text. */
export interface ConsoleAnswer {
  status: number;
  body: string;
  headers: string;
}

/** Opens an operation on the console page by clicking it in the console's list, as a reader would. */
export async function openOperation(page: Page, siteUrl: string, summary: string): Promise<void> {
  const onConsole = page.url().startsWith(`${siteUrl}console.html`);
  if (!onConsole || (await page.locator('elements-api').count()) === 0) {
    await page.goto(`${siteUrl}console.html`, { waitUntil: 'load' });
  }
  const link = page.locator('elements-api a').filter({ hasText: summary }).first();
  await link.waitFor({ state: 'visible', timeout: 120_000 }); // Elements starts in seconds on a busy machine
  await link.click();
  await page.locator('elements-api h1').filter({ hasText: summary }).first().waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Send API Request' }).waitFor({ state: 'visible' });
}

/** Types the reader's bearer token into the console's auth field. */
export async function setToken(page: Page, token: string): Promise<void> {
  const field = page.getByLabel('Token', { exact: true });
  await field.fill('');
  await field.pressSequentially(token);
}

/** What the console's response panel (Elements', with the headers the console adds) shows now. */
function shown(page: Page): Promise<{ seq: number; statusLine: string; body: string; headers: string }> {
  return page.evaluate(() => {
    const panel = [...document.querySelectorAll('.sl-panel')].find((p) =>
      /^Response(?!\s*Example)/.test(p.firstElementChild?.textContent?.trim() ?? ''),
    );
    const box = panel?.querySelector('.sgi-response-headers');
    const content = panel?.querySelector('.sl-panel__content');
    return {
      seq: Number(box?.getAttribute('data-seq') ?? 0),
      statusLine: content?.firstElementChild?.textContent?.trim() ?? '',
      body: panel?.querySelector('pre')?.textContent ?? '',
      headers: box?.textContent ?? '',
    };
  });
}

/**
 * Sends the open operation's request (by clicking its button, or by pressing `key` on the focused one)
 * and returns what the console then shows.
 */
export async function send(page: Page, how: { key?: string } = {}): Promise<ConsoleAnswer> {
  const before = await shown(page);
  const answered = page.waitForResponse(
    (r) => r.request().method() !== 'OPTIONS' && /\/sg_inf\//.test(r.url()),
  );
  if (how.key) await page.keyboard.press(how.key);
  else await page.getByRole('button', { name: 'Send API Request' }).click();
  const status = (await answered).status();
  // Wait (bounded) until the panel shows this response: its headers, its status, and a new body
  // (or the same body a while later: a poll may well answer the same thing again).
  let now = await shown(page);
  for (let i = 0; i < 100; i++) {
    const fresh = now.seq > before.seq && now.statusLine.startsWith(String(status));
    if (fresh && (now.body !== before.body || i > 10) && now.body) break;
    await page.waitForTimeout(150);
    now = await shown(page);
  }
  if (now.seq <= before.seq) {
    throw new Error(`the console showed no response to the ${status}: ${JSON.stringify(now).slice(0, 300)}`);
  }
  return { status, body: now.body, headers: now.headers };
}
