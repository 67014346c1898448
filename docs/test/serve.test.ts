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
