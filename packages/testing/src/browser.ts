import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.js';

/** Settings of {@link launchBrowser}. */
export interface LaunchOptions {
  /** The pages' viewport (default Playwright's, 1280 x 720). */
  viewport?: { width: number; height: number };
}

/**
 * Launches headless Chromium ({@link chromiumPath}) with a fresh profile, no background traffic of
 * its own and every request that would leave the machine aborted (a test that records requests
 * still sees it, and can fail on it). `close()` ends the browser and removes the profile.
 */
export async function launchBrowser(
  options: LaunchOptions = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'sgi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs],
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  await context.route(
    (url) => !staysLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Whether a URL stays on this machine: loopback HTTP(S), or a page-local `blob:`/`data:`/`about:` URL. */
export function staysLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'blob:' || protocol === 'data:' || protocol === 'about:') return true;
  if (protocol !== 'http:' && protocol !== 'https:') return false;
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
