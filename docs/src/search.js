// @ts-check
/**
 * The site's search index (`dist/search-index.json`): one entry per section of every guide, and per
 * operation, field and security scheme of the reference, each with the page (and place) it opens. The
 * header's search (`assets/site.js`) looks words up in it; every entry's text is plain, with a space
 * wherever the page breaks a line or a cell, so snippets read as sentences.
 */
import { operationRoute } from './reference.js';

const methods = ['get', 'put', 'post', 'delete', 'patch'];

/** @typedef {{ title: string, url: string, text: string }} Entry */

/** Text content of an HTML fragment: block tags become spaces, other tags nothing, entities are decoded, whitespace collapses. */
export function plainText(/** @type {string} */ html) {
  return html
    .replace(/<\/?(p|div|li|ul|ol|tr|td|th|table|thead|tbody|h\d|pre|br|blockquote|dt|dd|hr)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|rarr|larr|nbsp);/gi, (entity, name) => {
      const named = /** @type {Record<string, string>} */ ({
        amp: '&',
        lt: '<',
        gt: '>',
        quot: '"',
        apos: "'",
        rarr: '→',
        larr: '←',
        nbsp: ' ',
      })[name.toLowerCase()];
      if (named) return named;
      const code =
        name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Markdown (as in the spec's descriptions) to plain text: the marks dropped, the words kept. */
function markdownText(/** @type {unknown} */ markdown) {
  if (typeof markdown !== 'string') return '';
  return markdown
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*#|>]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * One entry per section (the text under each `h1`-`h3`) of a rendered guide.
 * @param {{ page: string, title: string, html: string }} guide `page`: its path in the site
 * @returns {Entry[]}
 */
export function guideEntries({ page, title, html }) {
  const out = [];
  const parts = html.split(/(?=<h[1-3] id=")/);
  for (const part of parts) {
    const heading = part.match(/^<h([1-3]) id="([^"]*)">([\s\S]*?)<\/h\1>/);
    const text = plainText(heading ? part.slice(heading[0].length) : part);
    if (!heading && !text) continue;
    const name = heading ? plainText(heading[3] ?? '') : title;
    const level = heading?.[1];
    out.push({
      title: level === '1' || !heading ? title : `${title} › ${name}`,
      url: level === '1' || !heading ? page : `${page}#${heading[2]}`,
      text,
    });
  }
  return out;
}

/**
 * Entries for the reference: its introduction, each operation (summary, method, path, description),
 * each field of its parameters, request and response bodies (dotted names), and each security scheme.
 * @param {import('@sgi/spec').OpenApiDocument} spec the bundled spec
 * @param {string} page the reference's path in the site
 * @param {{ title?: string }} [options] `title`: the reference's entry ("API reference" unless given)
 * @returns {Entry[]}
 */
export function referenceEntries(spec, page, { title = 'API reference' } = {}) {
  /** @type {Entry[]} */
  const out = [{ title, url: page, text: markdownText(spec.info.description) }];
  const doc = /** @type {Record<string, any>} */ (spec);
  const deref = (/** @type {any} */ node) => {
    let n = node;
    for (let i = 0; i < 10 && typeof n?.$ref === 'string'; i++) {
      n = n.$ref
        .split('/')
        .slice(1)
        .reduce((/** @type {any} */ o, /** @type {string} */ k) => o?.[k], doc);
    }
    return n ?? {};
  };
  /** Every property under a schema, by dotted name, with its description (bounded depth). */
  const fields = (
    /** @type {any} */ schema,
    prefix = '',
    depth = 0,
    /** @type {Map<string, string>} */ acc = new Map(),
  ) => {
    const s = deref(schema);
    if (depth > 6) return acc;
    for (const part of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])])
      fields(part, prefix, depth + 1, acc);
    if (s.items) fields(s.items, prefix, depth + 1, acc);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const key = `${prefix}${name}`;
      const p = /** @type {any} */ (prop);
      const description = markdownText(p.description ?? deref(p).description);
      if (!acc.has(key))
        acc.set(key, `${p.deprecated || deref(p).deprecated ? 'Deprecated. ' : ''}${description}`);
      fields(p, `${key}.`, depth + 1, acc);
    }
    return acc;
  };
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of methods) {
      const op = /** @type {any} */ (item)[method];
      if (!op) continue;
      const url = `${page}#${operationRoute(spec, op.operationId)}`;
      out.push({
        title: `${op.summary} (${method.toUpperCase()} ${path})`,
        url,
        text: markdownText(op.description),
      });
      const found = new Map();
      for (const param of op.parameters ?? []) {
        const p = deref(param);
        found.set(p.name, markdownText(p.description));
      }
      const body = deref(op.requestBody).content?.['application/json']?.schema;
      if (body) fields(body, '', 0, found);
      const ok = deref(op.responses?.['200']).content?.['application/json']?.schema;
      if (ok) fields(ok, '', 0, found);
      for (const [name, description] of found) {
        out.push({ title: `${name} · ${op.summary}`, url, text: description });
      }
      // The code samples are searched too (a reader looks for `SCALEGEN_BASE_URL`, `urlopen`...).
      for (const sample of op['x-codeSamples'] ?? []) {
        out.push({ title: `${op.summary}: ${sample.label} sample`, url, text: String(sample.source) });
      }
    }
  }
  for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {})) {
    out.push({ title: `Authentication: ${name}`, url: page, text: markdownText(scheme.description) });
  }
  return out;
}
