import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePage } from '../src/guides.js';
import { serveSite } from '../src/serve.js';
import { readPage, sitePages } from './support/site.js';

let site: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  site = await serveSite({ port: 0 });
});

afterAll(async () => {
  await site?.close();
});

describe('the site server', () => {
  it('listens on loopback, on a free port when asked for port 0', () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each(['br', 'gzip'])(
    'sends every page precompressed (%s) to a browser that accepts it',
    async (encoding) => {
      for (const page of sitePages()) {
        const response = await fetch(`${site.url}${page}`, { headers: { 'accept-encoding': encoding } });
        expect(response.status, page).toBe(200);
        expect(response.headers.get('content-encoding'), page).toBe(encoding);
        expect(await response.text(), page).toBe(readPage(page)); // fetch decodes it
      }
    },
  );

  it('sends the page as it is to a client that accepts no encoding, and 404 for what is not there', async () => {
    const plain = await fetch(`${site.url}${referencePage}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(readPage(referencePage));
    expect((await fetch(`${site.url}nowhere.html`)).status).toBe(404);
  });
});

describe('what the server sends a host should send too', () => {
  it('caches content-hashed assets for good and revalidates everything else', async () => {
    const html = readPage(referencePage);
    const script = html.match(/<script src="(site\.[0-9a-f]{10}\.js)">/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${site.url}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const page of [referencePage, 'search-index.json', 'guides/testing.html']) {
      expect((await fetch(`${site.url}${page}`)).headers.get('cache-control'), page).toBe('no-cache');
    }
  });

  it('sends security headers, and its 404 page with a 404 status', async () => {
    const missing = await fetch(`${site.url}no/such/page.html`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    for (const response of [missing, await fetch(site.url)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('points "Try it" at the sandbox it is given, in its policy too', async () => {
    const other = await serveSite({ port: 0, sandboxUrl: 'http://127.0.0.1:4999' });
    try {
      const html = await (await fetch(`${other.url}index.html`)).text();
      expect(html).toContain('<meta name="sgi-sandbox-url" content="http://127.0.0.1:4999"');
      expect(html).toContain("connect-src 'self' http://127.0.0.1:4999;");
      expect(html).not.toContain("connect-src 'self' http://127.0.0.1:4010");
      expect(html).not.toContain('<meta name="sgi-sandbox-url" content="http://127.0.0.1:4010"');
    } finally {
      await other.close();
    }
    await expect(serveSite({ port: 0, sandboxUrl: 'ftp://example' })).rejects.toThrow(/http\(s\) URL/);
  });
});
