// @ts-check
/**
 * What lets search engines and LLM tools find each part of the site: a page (and a Markdown copy) per
 * operation at an address that does not depend on the reference's routes (`operations/<operationId>`),
 * `llms.txt` and `llms-full.txt` (https://llmstxt.org), `sitemap.xml` and `robots.txt`.
 */
import { operationSamples, resolve } from './samples.js';

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The site's address when it is not given (`SGI_SITE_URL`): where `pnpm start` serves it. */
export const defaultSiteUrl = 'http://127.0.0.1:4011/';

/** Path of an operation's page inside the site folder: stable whatever the reference's tags. */
export function operationPage(/** @type {string} */ operationId) {
  return `operations/${operationId}.html`;
}

/**
 * The first sentence of a Markdown text, as plain text (for a description meta tag or a list); with
 * `min`, as many sentences as make at least `min` characters (a description of three words says little).
 */
export function firstSentence(/** @type {string} */ markdown, min = 0) {
  const text = markdown
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const after = text.slice(Math.max(0, min - 1)).search(/\.(\s|$)/);
  const end = after < 0 ? -1 : after + Math.max(0, min - 1);
  return (end > 0 ? text.slice(0, end + 1) : text).slice(0, 200);
}

/**
 * @typedef {{ operationId: string, method: string, path: string, summary: string, description: string, markdown: string }} OperationPage
 */

/**
 * One Markdown document per operation: what it does, its parameters, request example, responses and
 * samples, and a link to it in the reference (where "Try it" is).
 * @param {any} spec the bundled spec
 * @param {(operationId: string) => string} referenceLink the operation's address in the reference,
 *   from the site's root
 * @param {{ reference?: string }} [options] `reference`: the reference's name in the link to it ("API
 *   reference" unless given)
 * @returns {OperationPage[]}
 */
export function operationPages(spec, referenceLink, { reference = 'API reference' } = {}) {
  const samples = operationSamples(spec);
  /** @type {OperationPage[]} */
  const out = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of methods) {
      const op = item?.[method];
      if (!op?.operationId) continue;
      const id = op.operationId;
      const description = String(op.description ?? '').trim();
      const lines = [
        `# ${op.summary ?? id}`,
        '',
        `\`${method.toUpperCase()} ${path}\` · [In the ${reference}, with Try it](${referenceLink(id)})`,
        '',
        description,
        '',
      ];
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(spec, p));
      if (parameters.length > 0) {
        lines.push('## Parameters', '');
        for (const p of parameters) {
          const text = String(p.description ?? '')
            .replace(/\s+/g, ' ')
            .trim();
          lines.push(`- \`${p.name}\` (${p.in}${p.required ? ', required' : ''}): ${text}`);
        }
        lines.push('');
      }
      const body = resolve(spec, op.requestBody)?.content?.['application/json'];
      const [first] = Object.values(body?.examples ?? {}).map((e) => resolve(spec, e));
      if (first) {
        lines.push('## Request body', '', `${first.summary ?? 'Example'}:`, '', '```json');
        lines.push(JSON.stringify(first.value, null, 2), '```', '');
      }
      lines.push('## Responses', '');
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const text = firstSentence(String(resolve(spec, response)?.description ?? ''));
        lines.push(`- \`${status}\`: ${text}`);
      }
      lines.push('');
      const own = samples[id]?.samples ?? {};
      if (Object.keys(own).length > 0) {
        lines.push('## Samples', '');
        const fence = { curl: 'sh', TypeScript: 'ts', Python: 'python' };
        for (const [label, source] of Object.entries(own)) {
          lines.push(`### ${label}`, '', `\`\`\`${fence[/** @type {keyof typeof fence} */ (label)] ?? ''}`);
          lines.push(source.trimEnd(), '```', '');
        }
      }
      out.push({
        operationId: id,
        method,
        path,
        summary: String(op.summary ?? id),
        description: firstSentence(description, 40),
        markdown: `${lines.join('\n').trimEnd()}\n`,
      });
    }
  }
  return out;
}

/**
 * `llms.txt`: the site's map for LLM tools, linking the Markdown copy of every page.
 * @param {{ name: string, summary: string, guides: Array<{ path: string, title: string, description: string }>, operations: OperationPage[], endpointOperations?: OperationPage[] }} site
 *   `endpointOperations`: the operations of a deployment's model endpoint (its own document)
 */
export function llmsTxt({ name, summary, guides, operations, endpointOperations = [] }) {
  const list = (/** @type {OperationPage[]} */ ops) =>
    ops.map(
      (o) =>
        `- [${o.summary}](operations/${o.operationId}.md): \`${o.method.toUpperCase()} ${o.path}\`. ${o.description}`,
    );
  return [
    `# ${name}`,
    '',
    `> ${summary}`,
    '',
    'Every page below is Markdown. `llms-full.txt` holds all of them in one file. Requests can be tried against the sandbox (no GPUs, no costs): set `SCALEGEN_BASE_URL` to its URL and any `SCALEGEN_ACCESS_TOKEN`.',
    '',
    '## Guides',
    '',
    ...guides.map((g) => `- [${g.title}](${g.path}): ${g.description}`),
    '',
    '## API reference',
    '',
    ...list(operations),
    '',
    ...(endpointOperations.length > 0
      ? [
          '## Deployment endpoint reference',
          '',
          "The model endpoint an ACTIVE deployment serves at its `link` + `/inference` (OpenAI-compatible; an OpenAI client's base URL is `link` + `/inference/v1`). In the sandbox, the key is the same access token as for the API.",
          '',
          ...list(endpointOperations),
          '',
        ]
      : []),
    '## Optional',
    '',
    '- [OpenAPI description (YAML)](openapi.yaml): the whole API, machine-readable.',
    ...(endpointOperations.length > 0
      ? [
          "- [Deployment endpoint's OpenAPI description (YAML)](endpoint.yaml): the model endpoint, machine-readable.",
        ]
      : []),
    '',
  ].join('\n');
}

/** `sitemap.xml`: every page of the site, as absolute URLs under `siteUrl`. */
export function sitemapXml(/** @type {string} */ siteUrl, /** @type {string[]} */ pages) {
  const base = siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`;
  const urls = pages.map((p) => `  <url><loc>${new URL(p, base).href.replace(/&/g, '&amp;')}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/** `robots.txt`: everything may be crawled; where the sitemap is. */
export function robotsTxt(/** @type {string} */ siteUrl) {
  const base = siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`;
  return `User-agent: *\nAllow: /\nDisallow: /console.html\n\nSitemap: ${new URL('sitemap.xml', base).href}\n`;
}
