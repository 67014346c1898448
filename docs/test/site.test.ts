import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import {
  consolePage,
  endpointReferencePage,
  guidePage,
  guides,
  notFoundPage,
  referencePage,
} from '../src/guides.js';
import { operationPage } from '../src/pages.js';
import { defaultSandboxUrl } from '../src/reference.js';
import {
  endpointOperations,
  endpointRoute,
  endpointRoutes,
  operations,
  readPage,
  referenceRoute,
  referenceRoutes,
  siteDir,
  sitePages,
} from './support/site.js';

/** The pages Redoc renders: their own links are Redoc's routes, the header's are the site's. */
const redocPages = [referencePage, endpointReferencePage];

const docsDir = fileURLToPath(new URL('..', import.meta.url));

/** The links a reader can follow on a page: every `href` of a guide, the header's on the reference. */
function linksOf(page: string): string[] {
  let html = readPage(page);
  if (redocPages.includes(page))
    html = html.match(/<header class="site-header">[\s\S]*?<\/header>/)?.[0] ?? '';
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1] ?? '');
}

/** The links of a guide's Markdown that point at one of the reference's hash routes (`#/...`). */
function hashRouteLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]*#\/[^)\s]*)\)|href="([^"]*#\/[^"]*)"/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
}

/** Why a link from `page` does not resolve in the built site, or undefined when it does. */
function brokenLink(page: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return 'points outside the site';
  const [path = '', fragment] = href.split('#', 2);
  const target = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), path));
  if (target.startsWith('..') || !existsSync(join(siteDir, target))) return `no such page: ${target}`;
  if (fragment === undefined) return undefined;
  if (target === referencePage) {
    return referenceRoutes().has(fragment) ? undefined : `no such place in the reference: #${fragment}`;
  }
  if (target === endpointReferencePage) {
    return endpointRoutes().has(fragment)
      ? undefined
      : `no such place in the endpoint reference: #${fragment}`;
  }
  return readPage(target).includes(`id="${fragment}"`)
    ? undefined
    : `no such heading in ${target}: #${fragment}`;
}

describe('the built site', () => {
  it('has the references (the API, the deployment endpoint), one page per guide and one per operation', () => {
    expect(sitePages()).toEqual(
      [
        referencePage,
        endpointReferencePage,
        ...endpointOperations().map((op) => operationPage(op.operationId)),
        consolePage,
        notFoundPage,
        ...guides.map((g) => guidePage(g.slug)),
        ...operations().map((op) => operationPage(op.operationId)),
      ].sort(),
    );
  });

  it.each(redocPages)('keeps the reference page %s within its 3 MB budget', (page) => {
    const bytes = statSync(join(siteDir, page)).size;
    expect(bytes).toBeGreaterThan(100_000);
    expect(bytes).toBeLessThanOrEqual(3_000_000);
  });

  it('loads nothing from another host (no remote script, style, font or image)', () => {
    for (const page of sitePages()) {
      const html = readPage(page);
      expect(html, page).not.toMatch(/<(script|img|link|iframe)\b[^>]*\b(src|href)="(https?:)?\/\//i);
      expect(html, page).not.toMatch(
        /fonts\.googleapis|fonts\.gstatic|cdn\.redoc(ly)?\.(ly|com)\/redoc\/logo/,
      );
    }
  });

  it('has every page declare a Content-Security-Policy that allows no other origin', () => {
    for (const page of sitePages()) {
      const policy = readPage(page).match(
        /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/,
      )?.[1];
      expect(policy, page).toMatch(/^default-src 'none';/);
      // The reference's "Try it" may also connect to its sandbox (and to nothing else).
      const allowed = redocPages.includes(page)
        ? (policy ?? '').replace(` ${new URL(defaultSandboxUrl).origin}`, '')
        : policy;
      expect(allowed, page).not.toMatch(/https?:|\*|'unsafe-eval'/);
    }
  });
});

describe('links', () => {
  const pages = sitePages();

  it.each(pages)('every link on %s resolves', (page) => {
    const links = linksOf(page);
    expect(links.length).toBeGreaterThan(0);
    const broken = links.map((href) => [href, brokenLink(page, href)]).filter(([, why]) => why);
    expect(broken).toEqual([]);
  });

  it('reference and guides link to each other', () => {
    const fromReference = linksOf(referencePage);
    for (const { slug } of guides) expect(fromReference).toContain(guidePage(slug));
    for (const { slug } of guides) {
      expect(linksOf(guidePage(slug)).some((href) => href.startsWith(`../${referencePage}`))).toBe(true);
    }
  });

  // The reference's hash routes (`#/other/<opid>`) change when its layout does (a second tag): a guide
  // links an operation by its stable page, `operations/<operationId>.html`.
  it.each(guides.map((g) => g.slug))(
    'the %s guide links operations by their stable pages, never a hash route',
    (slug) => {
      const markdown = readFileSync(join(docsDir, 'guides', `${slug}.md`), 'utf8');
      expect(hashRouteLinks(markdown)).toEqual([]);
      expect(linksOf(guidePage(slug)).filter((href) => /#\//.test(href))).toEqual([]);
    },
  );

  it('catches a guide that links a hash route (the check can fail)', () => {
    expect(
      hashRouteLinks(
        'See [get](../index.html#/other/getinferencedeployment) and [x](lifecycle.md#statuses).',
      ),
    ).toEqual(['../index.html#/other/getinferencedeployment']);
    expect(
      hashRouteLinks('[ref](../index.html#/tag/inference/operation/x) <a href="#/other/y">y</a>'),
    ).toHaveLength(2);
  });

  it('catches a broken link (the check can fail)', () => {
    expect(brokenLink('guides/testing.html', 'nowhere.html')).toMatch(/no such page/);
    expect(brokenLink('guides/testing.html', 'lifecycle.html#no-such-heading')).toMatch(/no such heading/);
    expect(brokenLink('guides/testing.html', '../index.html#/inference/nothing')).toMatch(/reference/);
    expect(brokenLink('operations/listModels.html', '../endpoint.html#/models/nothing')).toMatch(
      /endpoint reference/,
    );
    expect(brokenLink('guides/testing.html', 'https://example.com/')).toMatch(/outside/);
  });
});

describe('what the reference shows for each operation', () => {
  const spec = loadSpec();
  /** Follows local `$ref`s (`#/components/...`) in the bundle. */
  const deref = (value: unknown): Record<string, unknown> => {
    let node = value as Record<string, unknown>;
    while (typeof node?.$ref === 'string') {
      node = node.$ref
        .split('/')
        .slice(1)
        .reduce<Record<string, unknown>>((o, key) => o[key] as Record<string, unknown>, spec);
    }
    return node;
  };
  const examplesOf = (media: unknown) => {
    const m = deref(media);
    return [...Object.keys((m.examples as object | undefined) ?? {}), ...('example' in m ? ['example'] : [])];
  };

  it.each(operations().map((op) => [op.operationId, op] as const))(
    '%s has a description and examples of its request and of every response body',
    (_, op) => {
      expect(String(op.op.description ?? '').length).toBeGreaterThan(40);
      const body = op.op.requestBody ? deref(op.op.requestBody) : undefined;
      for (const media of Object.values((body?.content as object | undefined) ?? {})) {
        expect(examplesOf(media).length, 'request body').toBeGreaterThan(0);
      }
      for (const [status, response] of Object.entries(op.op.responses as Record<string, unknown>)) {
        for (const media of Object.values((deref(response).content as object | undefined) ?? {})) {
          expect(examplesOf(media).length, `${status} response`).toBeGreaterThan(0);
        }
      }
    },
  );
});

describe('code samples', () => {
  it.each(operations().map((op) => [op.operationId, op] as const))(
    '%s has a curl, a TypeScript and a Python sample',
    (_, op) => {
      const samples = op.op['x-codeSamples'] as
        | Array<{ lang: string; label: string; source: string }>
        | undefined;
      expect(samples?.map((s) => s.label)).toEqual(['curl', 'TypeScript', 'Python']);
      const [curl, ts, python] = samples ?? [];
      const [before, after] = op.path.split('{inference_id}');
      // Base URL, token and id from the environment; nothing names production but the comment saying how.
      const sandboxLine =
        /^# export SCALEGEN_BASE_URL=http:\/\/127\.0\.0\.1:4010 for the sandbox .*https:\/\/prod-api\.scalegen\.ai for production$/m;
      for (const sample of [curl, ts, python]) {
        const source = sample?.source ?? '';
        expect(source.replace(/^(#|\/\/) .*\n/gm, ''), `${op.operationId} ${sample?.label}`).not.toMatch(
          /prod-api|3f6c1c2e/,
        );
        expect(source.replace(/^\/\/ /m, '# ')).toMatch(sandboxLine);
        if (op.path.includes('{inference_id}')) expect(source).toContain('SCALEGEN_DEPLOYMENT_ID');
      }
      expect(curl?.source).toContain(`"\${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}${before}`);
      if (after !== undefined) {
        expect(curl?.source).toContain(`${before}\${SCALEGEN_DEPLOYMENT_ID:?`);
        expect(curl?.source).toMatch(
          new RegExp(`create returned\\)\\}${after.replace(/[/?]/g, '\\$&')}[?"]`),
        );
      }
      expect(curl?.source).toContain('curl -sS --fail-with-body ');
      expect(curl?.source).toContain('Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?');
      if (op.method !== 'get') expect(curl?.source).toContain(`-X ${op.method.toUpperCase()}`);
      expect(ts?.source).toContain("from '@sgi/client'");
      expect(ts?.source).toContain('createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN })');
      expect(ts?.source).toMatch(/client\.inference\.\w+\(/);
      expect(python?.source).toContain('os.environ.get("SCALEGEN_BASE_URL") or sys.exit(');
      expect(python?.source).toContain(`method="${op.method.toUpperCase()}"`);
    },
  );

  it('keeps each sample in its own file under spec/openapi/code_samples', () => {
    const samplesDir = join(dirname(siteDir), '../spec/openapi/code_samples');
    for (const op of operations()) {
      expect(existsSync(join(samplesDir, 'curl', `${op.operationId}.sh`)), op.operationId).toBe(true);
      expect(existsSync(join(samplesDir, 'typescript', `${op.operationId}.ts`)), op.operationId).toBe(true);
      expect(existsSync(join(samplesDir, 'python', `${op.operationId}.py`)), op.operationId).toBe(true);
    }
  });
});

describe('what a reader of the site meets', () => {
  /** How the site's own making used to show through; none of it may reach a reader. */
  const history = [
    /original documentation/i,
    /Parameter Description/,
    /clone of this repository/i,
    /early version of this page/i,
  ];

  it.each(sitePages())('%s speaks of the API, not of how its docs were made', (page) => {
    for (const phrase of history) expect(readPage(page)).not.toMatch(phrase);
  });

  it('catches such a phrase (the check can fail)', () => {
    expect(history.some((phrase) => phrase.test('as listed in the original documentation'))).toBe(true);
  });

  it("has the create samples deploy the model of the request example shown first (the picker's label)", () => {
    const create = operations().find((op) => op.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation');
    const media = (create.op.requestBody as { content: Record<string, { examples: object }> }).content[
      'application/json'
    ];
    let first = Object.values(media?.examples ?? {})[0] as {
      $ref?: string;
      summary: string;
      value: { model: string; name: string };
    };
    if (first.$ref) {
      const examples = loadSpec().components?.examples as Record<string, typeof first>;
      first = examples[first.$ref.split('/').pop() ?? ''] ?? first;
    }
    const samples = create.op['x-codeSamples'] as Array<{ label: string; source: string }>;
    expect(samples.length).toBe(3);
    for (const sample of samples) {
      expect(sample.source, sample.label).toContain(first.value.model);
      expect(sample.source, sample.label).toContain(first.value.name);
    }
    // The label names what the samples deploy: a 70B model on four GPUs per worker.
    expect(first.value.model).toMatch(/70B/);
    expect(first.summary).toMatch(/70B/);
  });
});

describe('what search engines and LLM tools find', () => {
  it('has a page and a Markdown copy per operation, at an address that does not depend on the tags', () => {
    for (const op of operations()) {
      const html = readPage(operationPage(op.operationId));
      expect(html, op.operationId).toContain(`<h1 id=`);
      expect(html).toContain(op.summary);
      expect(html).toContain(`href="../index.html#${referenceRoute(op)}"`);
      expect(readPage(`operations/${op.operationId}.md`)).toMatch(
        new RegExp(`^# ${op.summary.replace(/[()]/g, '\\$&')}\n`),
      );
    }
  });

  it('has a page and a Markdown copy per operation of the deployment endpoint, linking its reference', () => {
    for (const op of endpointOperations()) {
      const html = readPage(operationPage(op.operationId));
      expect(html, op.operationId).toContain(op.summary);
      expect(html).toContain(`href="../${endpointReferencePage}#${endpointRoute(op)}"`);
      expect(html).toContain('In the deployment endpoint reference, with Try it');
      expect(readPage(`operations/${op.operationId}.md`)).toContain(
        `\`${op.method.toUpperCase()} ${op.path}\``,
      );
    }
  });

  it("names the deployment endpoint's reference in llms.txt, llms-full.txt and the search index", () => {
    const llms = readPage('llms.txt');
    expect(llms).toContain('## Deployment endpoint reference');
    expect(llms).toContain('(endpoint.yaml)');
    expect(existsSync(join(siteDir, 'endpoint.yaml'))).toBe(true);
    const full = readPage('llms-full.txt');
    for (const op of endpointOperations()) {
      expect(llms).toContain(`(operations/${op.operationId}.md): \`${op.method.toUpperCase()} ${op.path}\``);
      expect(full).toContain(`# ${op.summary}\n`);
    }
    const index = JSON.parse(readPage('search-index.json')) as Array<{ title: string; url: string }>;
    expect(index).toContainEqual(
      expect.objectContaining({ title: 'Deployment endpoint reference', url: endpointReferencePage }),
    );
    for (const op of endpointOperations()) {
      expect(index).toContainEqual(
        expect.objectContaining({
          title: `${op.summary} (${op.method.toUpperCase()} ${op.path})`,
          url: `${endpointReferencePage}#${endpointRoute(op)}`,
        }),
      );
    }
    expect(readPage(endpointReferencePage)).toContain(
      `<link rel="canonical" href="${endpointReferencePage}">`,
    );
  });

  it('publishes llms.txt and llms-full.txt, naming every guide and every operation', () => {
    const llms = readPage('llms.txt');
    const full = readPage('llms-full.txt');
    for (const { slug, title } of guides) {
      expect(llms).toContain(`[${title}](guides/${slug}.md)`);
      expect(existsSync(join(siteDir, 'guides', `${slug}.md`))).toBe(true);
      expect(full).toContain(readFileSync(join(siteDir, 'guides', `${slug}.md`), 'utf8').trimEnd());
    }
    for (const op of operations()) {
      expect(llms).toContain(`(operations/${op.operationId}.md)`);
      expect(full).toContain(`# ${op.summary}\n`);
    }
  });

  it('publishes a sitemap of every page, and a robots file that names it', () => {
    const sitemap = readPage('sitemap.xml');
    for (const page of sitePages().filter((p) => p !== consolePage && p !== notFoundPage)) {
      expect(sitemap, page).toContain(`/${page}</loc>`);
    }
    expect(readPage('robots.txt')).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap\.xml$/m);
  });

  it.each(sitePages().filter((p) => p !== notFoundPage))(
    '%s has a description and a canonical address',
    (page) => {
      const html = readPage(page);
      expect(html).toMatch(/<meta name="description" content="[^"]{20,}">/);
      expect(html).toMatch(/<link rel="canonical" href="[^"]+">/);
    },
  );
});
