// @ts-check
/**
 * Serves the built site (`dist/`) over HTTP on the loopback interface. Used by `pnpm start` and by the
 * browser test. Run as a script: `node src/serve.js [--port 4011] [--host 127.0.0.1]`.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

/** The built site's folder. */
export const siteDir = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * Starts a static file server for the site.
 * @param {{ port?: number, host?: string, root?: string }} [options] `port` 0 (the default) picks a free one.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} the site's URL (ending in `/`) and a way to stop.
 */
export async function serveSite({ port = 0, host = '127.0.0.1', root = siteDir } = {}) {
  if (!existsSync(root)) throw new Error(`No built site at ${root}: run the docs build first`);
  const handler = sirv(root, { dev: true, etag: true, gzip: true, brotli: true });
  const server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end('Not found');
    }),
  );
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
    options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const port = Number(values.port ?? process.env.DOCS_PORT ?? 4011);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      `docs: --port must be a port number (0-65535), got "${values.port ?? process.env.DOCS_PORT}"`,
    );
    process.exit(2);
  }
  try {
    const site = await serveSite({ port, host: values.host });
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
