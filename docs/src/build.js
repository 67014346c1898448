// @ts-check
/**
 * Builds the docs site into `dist/`: the API reference rendered by Redocly from `@sgi/spec`'s bundle
 * and the deployment endpoint's reference from its `endpoint.json` (Redoc's script inlined, nothing
 * loaded from another host), the guides rendered from Markdown in the
 * same look, and the bundled spec itself for download. Run with `node src/build.js`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import {
  endpointSpecJsonPath,
  endpointSpecYamlPath,
  loadEndpointSpec,
  loadSpec,
  specJsonPath,
  specYamlPath,
} from '@sgi/spec';
import { changelogMarkdown } from './changelog.js';
import {
  consolePage,
  endpointReferencePage,
  guidePage,
  guides,
  notFoundPage,
  referencePage,
} from './guides.js';
import {
  consoleDocument,
  escapeHtml,
  guideDocument,
  notFoundDocument,
  operationDocument,
  siteCss,
  siteHeader,
  siteName,
} from './layout.js';
import { renderGuide } from './markdown.js';
import {
  defaultSiteUrl,
  firstSentence,
  llmsTxt,
  operationPage,
  operationPages,
  robotsTxt,
  sitemapXml,
} from './pages.js';
import { defaultSandboxUrl, endpointReferenceSpec, operationRoute, referenceSpec } from './reference.js';
import { referenceData } from './samples.js';
import { guideEntries, referenceEntries } from './search.js';
import { bodyValidatorsScript } from './validators.js';

const docsDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(docsDir, 'dist');

/** Where the site is published (`SGI_SITE_URL`): the sitemap and `robots.txt` give absolute addresses. */
const siteUrl = process.env.SGI_SITE_URL || defaultSiteUrl;

/** The site's one-line summary: the spec's. */
const siteSummary = String(loadSpec().info.summary ?? '');

/** The sandbox the site sends requests to (see `defaultSandboxUrl`): `SGI_SANDBOX_URL` at build time. */
const sandboxUrl = process.env.SGI_SANDBOX_URL || defaultSandboxUrl;

/**
 * Writes an asset under a name that carries a hash of its content (`site.3f2a9c1d.js`), so that a
 * server may let browsers cache it for good; returns that name.
 * @param {string} name e.g. `site.js`
 * @param {string | Buffer} content
 */
function writeHashed(name, content) {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  const hashed = name.replace(/(\.[a-z]+)$/, `.${hash}$1`);
  mkdirSync(dirname(join(outDir, hashed)), { recursive: true });
  writeFileSync(join(outDir, hashed), content);
  return hashed;
}

/**
 * The address of the former console page (`console.html#/operations/<operationId>`) still leads somewhere:
 * to the operation in the reference, where "Try it" now is.
 * @param {string} script the site script's name
 */
function buildConsoleRedirect(script) {
  const spec = loadSpec();
  const routes = Object.fromEntries(
    Object.values(spec.paths).flatMap((item) =>
      Object.values(item ?? {})
        .map((op) => /** @type {{ operationId?: string }} */ (op)?.operationId)
        .filter((id) => typeof id === 'string')
        .map((id) => [id, operationRoute(spec, /** @type {string} */ (id))]),
    ),
  );
  const redirect = writeHashed(
    'console-redirect.js',
    `(()=>{const r=${JSON.stringify(routes)};const m=location.hash.match(/^#\\/operations\\/([^/?]+)/);` +
      `location.replace('${referencePage}'+(m&&r[decodeURIComponent(m[1])]?'#'+r[decodeURIComponent(m[1])]:''));})();`,
  );
  writeFileSync(join(outDir, consolePage), consoleDocument({ script, redirect }));
}

/**
 * Redoc's "API docs by" badge is the one thing in its bundle that loads from another host. The build
 * replaces those URLs with an empty local image (the badge is hidden by the site's CSS), and fails if
 * they are not found, so that a Redoc upgrade that moves them cannot go unnoticed.
 */
const cdnLogos = [
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg',
  'https://cdn.redoc.ly/redoc/logo-mini.svg',
];
const emptyImage = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';

/** The reference's operations, for the site's menu on narrow screens: each at its route, by its summary. */
/** @param {any} spec */
function menuOperations(spec) {
  return Object.values(spec.paths).flatMap((item) =>
    Object.values(item ?? {})
      .map((op) => /** @type {{ operationId?: string, summary?: string }} */ (op))
      .filter((op) => typeof op?.operationId === 'string')
      .map((op) => ({
        href: `#${operationRoute(spec, /** @type {string} */ (op.operationId))}`,
        text: op.summary ?? String(op.operationId),
      })),
  );
}

/**
 * A reference page, rendered by Redocly from a copy of a spec (see `reference.js`), in the site's look,
 * with "Try it" (see {@link withTryIt}) and a Content-Security-Policy.
 * @param {string} script the site script's name
 * @param {{ page: string, title: string, description: string, spec: any, shown: any, downloads: { yaml: string, json: string }, endpoint?: boolean }} reference
 *   `spec`: the bundled spec; `shown`: the copy the page is rendered from; `downloads`: the bundle's
 *   files in the site; `endpoint`: the page of a deployment's model endpoint ("Try it" sends to a
 *   deployment's link)
 */
function buildReference(script, { page, title, description, spec, shown, downloads, endpoint = false }) {
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
    'bin/cli.js',
  );
  const output = join(outDir, page);
  const work = mkdtempSync(join(tmpdir(), 'sgi-docs-'));
  const input = join(work, 'openapi.json');
  writeFileSync(input, JSON.stringify(shown));
  // The site's settings, with the download buttons offering this page's own bundle.
  const config = join(work, 'redocly.yaml');
  writeFileSync(
    config,
    readFileSync(join(docsDir, 'redocly.yaml'), 'utf8')
      .replace('url: openapi.yaml', `url: ${downloads.yaml}`)
      .replace('url: openapi.json', `url: ${downloads.json}`),
  );
  const args = [
    cli,
    'build-docs',
    input,
    '--config',
    config,
    '--template',
    join(docsDir, 'template/reference.hbs'),
    '--inlineBundle',
    '--title',
    `${title} | ${siteName}`,
    '--output',
    output,
    `--templateOptions.css=${siteCss}`,
    `--templateOptions.header=${siteHeader({ root: '', current: page, operations: menuOperations(spec) })}`,
    `--templateOptions.script=${script}`,
    `--templateOptions.description=${escapeHtml(description)}`,
    `--templateOptions.canonical=${page}`,
  ];
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
  });
  rmSync(work, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`redocly build-docs failed:\n${run.stdout}\n${run.stderr}`);
  let html = readFileSync(output, 'utf8');
  for (const url of cdnLogos) {
    if (!html.includes(url))
      throw new Error(`Redoc's bundle no longer contains ${url}: review the logo patch`);
    html = html.replaceAll(url, emptyImage);
  }
  html = withHashLinks(html);
  html = withExternalBundle(html, page);
  html = withTryIt(html, spec, { endpoint });
  html = withContentSecurityPolicy(html, sandboxUrl);
  writeFileSync(output, html);
  return Buffer.byteLength(html);
}

/** The API's reference page. @param {string} script the site script's name */
function buildApiReference(script) {
  const start = ['getting-started', 'authentication', 'testing'].map((slug) => ({
    title: guides.find((g) => g.slug === slug)?.title ?? slug,
    href: guidePage(slug),
  }));
  const spec = loadSpec();
  return buildReference(script, {
    page: referencePage,
    title: 'API reference',
    description: siteSummary,
    spec,
    shown: referenceSpec(spec, { sandboxUrl, guides: start }),
    downloads: { yaml: 'openapi.yaml', json: 'openapi.json' },
  });
}

/**
 * The reference of a deployment's model endpoint, next to the API's: rendered from `endpoint.json` in
 * the same look. @param {string} script the site script's name
 */
function buildEndpointReference(script) {
  const spec = loadEndpointSpec();
  const slug = 'call-your-deployment';
  return buildReference(script, {
    page: endpointReferencePage,
    title: 'Deployment endpoint reference',
    description: String(spec.info.summary ?? ''),
    spec,
    shown: endpointReferenceSpec(spec, {
      sandboxUrl,
      guide: { title: guides.find((g) => g.slug === slug)?.title ?? slug, href: guidePage(slug) },
    }),
    downloads: { yaml: 'endpoint.yaml', json: 'endpoint.json' },
    endpoint: true,
  });
}

/**
 * Adds what the reference's own script needs (`assets/reference.js`: the samples that follow the
 * example picker, and "Try it" on every operation): the sandbox it sends to, the request body
 * validators compiled from the spec, and each operation's data (`src/samples.js`).
 * @param {string} html
 * @param {any} spec the bundled spec the page shows
 * @param {{ endpoint?: boolean }} [options] `endpoint`: "Try it" sends to a deployment's link + `/inference`
 */
function withTryIt(html, spec, { endpoint = false } = {}) {
  const validators = writeHashed(
    endpoint ? 'endpoint-validators.js' : 'validators.js',
    bodyValidatorsScript(referenceSpec(spec, {})),
  );
  const check = writeHashed('body-check.js', readFileSync(join(docsDir, 'assets/body-check.js')));
  const script = writeHashed('reference.js', readFileSync(join(docsDir, 'assets/reference.js')));
  const data = JSON.stringify({
    ...referenceData(spec, (id) => operationRoute(spec, id)),
    ...(endpoint ? { endpoint: true } : {}),
  }).replaceAll('</', '<\\/');
  const head = [
    `<meta name="sgi-sandbox-url" content="${escapeHtml(sandboxUrl.replace(/\/$/, ''))}">`,
    `<script src="${validators}" defer></script>`,
    `<script src="${check}" defer></script>`,
    `<script src="${script}" defer></script>`,
  ].join('\n  ');
  if (!html.includes('</head>') || !html.includes('</body>'))
    throw new Error('The reference page has no head or body: review the try-it step');
  const end = html.lastIndexOf('</body>');
  const withData = `${html.slice(0, end)}<script type="application/json" id="sgi-reference-data">${data}</script>\n${html.slice(end)}`;
  return withData.replace('</head>', () => `  ${head}\n</head>`);
}

/**
 * Redoc's static page routes with the URL's hash (`#/other/<operationid>`), but its pre-rendered links
 * point at paths (`/other/<operationid>`) that exist on no static host: opened in a new tab or copied,
 * they would 404. This points them at the same routes through the hash, as the page's script does.
 * @param {string} html
 */
export function withHashLinks(html) {
  const script = html.indexOf('<script type="module">');
  if (script < 0) throw new Error('The reference page has no module script: review the link step');
  const rendered = html.slice(0, script).replace(/ href="\/(?!\/)/g, ' href="#/');
  return rendered + html.slice(script);
}

/**
 * Moves Redoc's bundle (its one inline module script: the renderer and the page's state, ~2.3 MB) into
 * a file of its own, loaded as a module (deferred) from the same place in the page. The HTML a reader
 * waits for is then ~0.3 MB: the pre-rendered sidebar and operations are shown as soon as it arrives,
 * instead of after the whole 2.7 MB, and the bundle comes in parallel and is cached under its hash.
 * @param {string} html
 * @param {string} page the page's name (`index.html`): the bundle is `<page>.<hash>.js`
 */
export function withExternalBundle(html, page) {
  const open = '<script type="module">';
  const start = html.indexOf(open);
  const end = start < 0 ? -1 : html.indexOf('</script>', start);
  if (start < 0 || end < 0)
    throw new Error('The reference page has no module script: review the bundle step');
  const file = writeHashed(page.replace(/\.html$/, '.js'), html.slice(start + open.length, end));
  return `${html.slice(0, start)}<script type="module" src="${file}"></script>${html.slice(end + '</script>'.length)}`;
}

/**
 * Adds a Content-Security-Policy to the reference page that allows exactly its own inline scripts (by
 * hash) and nothing from any other origin, so the browser itself enforces that the page is
 * self-contained, and a host that sends a strict policy of its own can copy this one.
 * @param {string} html
 */
export function withContentSecurityPolicy(html, sandbox = defaultSandboxUrl) {
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
    (m) => !/\ssrc=/.test(m[1] ?? ''),
  );
  const hashes = inline.map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[2] ?? '')
        .digest('base64')}'`,
  );
  if (hashes.length === 0) throw new Error('The reference page has no inline script: review the CSP step');
  const policy = [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(' ')}`, // the site's script, and Redoc's inline ones
    "style-src 'unsafe-inline'", // Redoc's styled-components inject <style> elements at run time
    "img-src 'self' data: blob:",
    'font-src data:', // an icon font inlined in Redoc's styles
    `connect-src 'self' ${new URL(sandbox).origin}`, // the spec download buttons; "Try it": the sandbox, never production
    'worker-src blob:', // Redoc's search index runs in a worker made from a blob
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  return html.replace(/<meta charset="utf-8" \/>/, (charset) => `${charset}\n  ${meta}`);
}

/**
 * Renders every guide; returns their search entries.
 * @param {string} script the site script's name
 */
function buildGuides(script) {
  mkdirSync(join(outDir, 'guides'), { recursive: true });
  // The changelog is generated from the packages' changelogs and the pending changesets, never by hand.
  writeFileSync(join(docsDir, 'guides', 'changelog.md'), changelogMarkdown());
  const entries = [];
  /** @type {Array<{ path: string, title: string, description: string, markdown: string }>} */
  const pages = [];
  for (const { slug, title } of guides) {
    const markdown = readFileSync(join(docsDir, 'guides', `${slug}.md`), 'utf8');
    const html = renderGuide(markdown);
    const intro = markdown.split(/\n\s*\n/).find((p) => p.trim() && !p.startsWith('#')) ?? title;
    const description = firstSentence(intro);
    writeFileSync(
      join(outDir, guidePage(slug)),
      guideDocument({ slug, title, html, script, description, markdown: `${slug}.md` }),
    );
    // The Markdown copy, for LLM tools (`llms.txt`); its links to other guides work as they are.
    writeFileSync(join(outDir, 'guides', `${slug}.md`), markdown);
    pages.push({ path: `guides/${slug}.md`, title, description, markdown });
    entries.push(...guideEntries({ page: guidePage(slug), title, html }));
  }
  return { entries, pages };
}

/**
 * A page and a Markdown copy per operation, at addresses that do not depend on the reference's routes,
 * then `llms.txt`, `llms-full.txt`, `sitemap.xml` and `robots.txt`.
 * @param {string} script the site script's name
 * @param {Array<{ path: string, title: string, description: string, markdown: string }>} guidePages
 */
function buildFindability(script, guidePages) {
  const spec = loadSpec();
  const operations = operationPages(spec, (id) => `../${referencePage}#${operationRoute(spec, id)}`);
  const endpointSpec = loadEndpointSpec();
  const endpointOperations = operationPages(
    endpointSpec,
    (id) => `../${endpointReferencePage}#${operationRoute(endpointSpec, id)}`,
    { reference: 'deployment endpoint reference' },
  );
  const taken = new Set(operations.map((o) => o.operationId));
  for (const op of endpointOperations) {
    if (taken.has(op.operationId))
      throw new Error(
        `operations/${op.operationId}.html: the API and the endpoint both have this operationId`,
      );
  }
  mkdirSync(join(outDir, 'operations'), { recursive: true });
  for (const op of [...operations, ...endpointOperations]) {
    writeFileSync(join(outDir, 'operations', `${op.operationId}.md`), op.markdown);
    writeFileSync(
      join(outDir, operationPage(op.operationId)),
      operationDocument({
        operationId: op.operationId,
        title: op.summary,
        html: renderGuide(op.markdown),
        script,
        description: op.description,
      }),
    );
  }
  writeFileSync(
    join(outDir, 'llms.txt'),
    llmsTxt({ name: siteName, summary: siteSummary, guides: guidePages, operations, endpointOperations }),
  );
  const full = [
    `# ${siteName}\n\n> ${siteSummary}\n`,
    ...guidePages.map((g) => g.markdown.trimEnd()),
    ...operations.map((o) => o.markdown.trimEnd()),
    ...endpointOperations.map((o) => o.markdown.trimEnd()),
  ];
  writeFileSync(join(outDir, 'llms-full.txt'), `${full.join('\n\n---\n\n')}\n`);
  const pages = [
    referencePage,
    endpointReferencePage,
    ...guides.map((g) => guidePage(g.slug)),
    ...[...operations, ...endpointOperations].map((o) => operationPage(o.operationId)),
  ];
  writeFileSync(join(outDir, 'sitemap.xml'), sitemapXml(siteUrl, pages));
  writeFileSync(join(outDir, 'robots.txt'), robotsTxt(siteUrl));
}

/**
 * Writes a `.gz` and a `.br` copy next to each text file, for servers that send precompressed files
 * (`serve.js`, nginx's `gzip_static`, most CDNs): the reference travels as ~0.6 MB instead of ~2.6 MB.
 * @param {string} dir
 */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(html|json|yaml|svg|js|css|md|txt|xml)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
    );
  }
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const script = writeHashed('site.js', readFileSync(join(docsDir, 'assets/site.js')));
const bytes = buildApiReference(script);
const endpointBytes = buildEndpointReference(script);
const built = buildGuides(script);
buildFindability(script, built.pages);
const searchEntries = [
  ...built.entries,
  ...referenceEntries(loadSpec(), referencePage),
  ...referenceEntries(loadEndpointSpec(), endpointReferencePage, { title: 'Deployment endpoint reference' }),
];
writeFileSync(join(outDir, 'search-index.json'), JSON.stringify(searchEntries));
buildConsoleRedirect(script);
writeFileSync(join(outDir, notFoundPage), notFoundDocument({ script }));
copyFileSync(join(docsDir, 'assets/favicon.svg'), join(outDir, 'favicon.svg'));
copyFileSync(specYamlPath, join(outDir, 'openapi.yaml'));
copyFileSync(specJsonPath, join(outDir, 'openapi.json'));
copyFileSync(endpointSpecYamlPath, join(outDir, 'endpoint.yaml'));
copyFileSync(endpointSpecJsonPath, join(outDir, 'endpoint.json'));
precompress(outDir);
console.log(
  `docs: built ${outDir} (reference ${(bytes / 1024).toFixed(0)} KiB, endpoint reference ${(endpointBytes / 1024).toFixed(0)} KiB, ${guides.length} guides)`,
);
