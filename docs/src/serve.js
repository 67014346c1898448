// @ts-check
/**
 * Serves the built site (`dist/`) over HTTP on the loopback interface. Used by `pnpm start` and by the
 * tests. Run as a script: `node src/serve.js [--port 4011] [--host 127.0.0.1] [--sandbox URL]`.
 *
 * It sends what any host of the site should send (see the README): content-hashed assets cached for
 * good, everything else revalidated, `404.html` with a 404 status, and security headers on everything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

/** The built site's folder. */
export const siteDir = fileURLToPath(new URL('../dist', import.meta.url));

/** A file whose name carries a hash of its content (`site.3f2a9c1d0e.js`): it never changes. */
export const hashedAsset = /\.[0-9a-f]{10}\.(js|css)$/;

/** Headers sent with every response of the site. */
export const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The reference page as built, and as served with another sandbox: the page names the sandbox its
 * "Try it" sends to in a `<meta name="sgi-sandbox-url">` and in its Content-Security-Policy
 * (`connect-src`); both are rewritten (Redoc's scripts, allowed by hash, are left untouched). The
 * same for the deployment endpoint's reference (`name`: `endpoint.html`), whose "Try it" sends to the
 * sandbox's deployments.
 * @param {string} root
 * @param {string | undefined} sandboxUrl
 * @param {string} [name] the page
 */
function referencePage(root, sandboxUrl, name = 'index.html') {
  const file = join(root, name);
  if (!sandboxUrl || !existsSync(file)) return undefined;
  const html = readFileSync(file, 'utf8');
  const built = html.match(/<meta name="sgi-sandbox-url" content="([^"]*)"/)?.[1];
  if (!built) throw new Error(`${name} names no sandbox: rebuild the docs`);
  const wanted = new URL(sandboxUrl);
  if (wanted.protocol !== 'http:' && wanted.protocol !== 'https:') {
    throw new Error(`--sandbox must be an http(s) URL, got "${sandboxUrl}"`);
  }
  const url = wanted.href.replace(/\/$/, '');
  return html
    .replace(`connect-src 'self' ${new URL(built).origin}`, `connect-src 'self' ${wanted.origin}`)
    .replace(
      `<meta name="sgi-sandbox-url" content="${built}">`,
      `<meta name="sgi-sandbox-url" content="${url}">`,
    );
}

/**
 * Starts a static file server for the site.
 * @param {{ port?: number, host?: string, root?: string, sandboxUrl?: string }} [options] `port` 0 (the
 *   default) picks a free one; `sandboxUrl` points "Try it" at another sandbox than the build's.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} the site's URL (ending in `/`) and a way to stop.
 */
export async function serveSite({ port = 0, host = '127.0.0.1', root = siteDir, sandboxUrl } = {}) {
  if (!existsSync(root)) throw new Error(`No built site at ${root}: run the docs build first`);
  /** @type {Record<string, string | undefined>} */
  const rewritten = {
    '/': referencePage(root, sandboxUrl),
    '/index.html': referencePage(root, sandboxUrl),
    '/endpoint.html': referencePage(root, sandboxUrl, 'endpoint.html'),
  };
  const notFound = existsSync(join(root, '404.html')) ? readFileSync(join(root, '404.html')) : undefined;
  const handler = sirv(root, {
    dev: true,
    etag: true,
    gzip: true,
    brotli: true,
    setHeaders(res, pathname) {
      res.setHeader(
        'Cache-Control',
        hashedAsset.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    const referenceHtml = rewritten[path];
    if (referenceHtml) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(referenceHtml);
      return;
    }
    handler(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Cache-Control', 'no-cache');
      if (notFound) {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(notFound);
      } else {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('Not found');
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      sandbox: { type: 'string' },
    },
  });
  const port = Number(values.port ?? process.env.DOCS_PORT ?? 4011);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      `docs: --port must be a port number (0-65535), got "${values.port ?? process.env.DOCS_PORT}"`,
    );
    process.exit(2);
  }
  try {
    const sandboxUrl = values.sandbox ?? process.env.SGI_SANDBOX_URL;
    const site = await serveSite({ port, host: values.host, sandboxUrl });
    console.log(`Docs site: ${site.url}`);
    const stop = () => site.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    const code = /** @type {{ code?: string }} */ (error).code;
    if (code === 'EADDRINUSE')
      console.error(`docs: port ${port} is taken; choose another with --port or DOCS_PORT`);
    else console.error(`docs: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
