import type { BrowserContext, Page } from 'playwright-core';

/** A page whose context's requests and whose console errors are recorded, for a test to check at the end. */
export interface WatchedPage {
  page: Page;
  /** Every URL the context's pages asked for, in order (aborted ones included). */
  requests: string[];
  /** The page's console errors and uncaught exceptions, each cut to 300 characters. */
  consoleErrors: string[];
}

/** Opens a page of `context` and starts recording its requests and console errors. */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text().slice(0, 300));
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message.slice(0, 300)}`));
  return { page, requests, consoleErrors };
}

/**
 * Waits until Redoc has taken over its pre-rendered page (its bundle loads after the page is shown):
 * its colour mode switcher then carries React's handlers, and a click on it does something.
 */
export async function redocReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const button = document.querySelector('[data-testid="color-mode-switcher"]');
      return button != null && Object.keys(button).some((key) => key.startsWith('__react'));
    },
    undefined,
    { timeout: 120_000 },
  );
}
