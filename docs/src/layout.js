// @ts-check
import {
  consolePage,
  endpointReferencePage,
  guidePage,
  guides,
  notFoundPage,
  referencePage,
} from './guides.js';

/** The site's name, shown in every page's header and title. */
export const siteName = 'ScaleGenAI Inference API';

/**
 * Styles shared by every page: the header bar, and the guides' typography. Redoc styles the reference
 * itself; these rules reuse its CSS variables' values (system fonts, no web fonts) so both look alike.
 */
export const siteCss = `
:root {
  --site-header-height: 52px;
  --navbar-stack-height: var(--site-header-height);
  --site-font: system-ui, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  --site-mono: ui-monospace, Menlo, Monaco, 'Cascadia Mono', 'Segoe UI Mono', 'Roboto Mono', 'Courier New', monospace;
  --site-accent: #1d4ed8;
  --site-border: #e4e4e7;
  --site-muted: #52525b;
  --site-bg: #fff;
  --site-fg: #18181b;
  --site-hover: #f4f4f5;
}
html.dark { --site-accent: #93c5fd; --site-border: #3f3f46; --site-muted: #a1a1aa; --site-bg: #18181b; --site-fg: #fafafa; --site-hover: #27272a; }
body { margin: 0; padding: 0; }
/* What the keyboard focuses is never hidden under the sticky header. */
html { scroll-padding-top: calc(var(--site-header-height) + 8px); }
.site-header {
  position: sticky; top: 0; z-index: 1000; box-sizing: border-box; height: var(--site-header-height);
  display: flex; align-items: center; gap: 16px; padding: 0 20px; white-space: nowrap;
  background: var(--site-bg); border-bottom: 1px solid var(--site-border); font: 14px/1.4 var(--site-font);
}
.site-header .site-brand { font-weight: 600; color: var(--site-fg); text-decoration: none; }
.site-header nav { display: flex; gap: 2px; min-width: 0; overflow-x: auto; }
.site-header nav a { padding: 6px 7px; border-radius: 6px; color: var(--site-muted); text-decoration: none; }
.site-header nav a:hover { background: var(--site-hover); color: var(--site-fg); }
.site-header nav a[aria-current='page'] { color: var(--site-accent); background: var(--site-hover); font-weight: 600; }
.site-header button { font: inherit; color: var(--site-fg); background: var(--site-bg); border: 1px solid var(--site-border);
  border-radius: 6px; padding: 5px 10px; cursor: pointer; min-height: 32px; }
.site-header button:hover { background: var(--site-hover); }
.site-header :focus-visible, .site-search-dialog :focus-visible, .guide :focus-visible { outline: 2px solid var(--site-accent); outline-offset: 2px; }
.site-tools { margin-left: auto; display: flex; gap: 8px; align-items: center; }
.site-search kbd { font: 11px var(--site-mono); color: var(--site-muted); border: 1px solid var(--site-border); border-radius: 4px; padding: 0 4px; margin-left: 6px; }
.site-menu { display: none; }
/* Below 1440 px the reference link stands for the brand, so that every link fits (two references, the guides); below 1300 px, a menu. */
@media (max-width: 1439px) { .site-header .site-brand { display: none; } }
@media (max-width: 1299px) {
  .site-header { padding: 0 10px; gap: 8px; }
  .site-header .site-brand { display: none; }
  .site-menu { display: inline-block; }
  .site-header nav { display: none; position: absolute; top: var(--site-header-height); left: 0; right: 0;
    flex-direction: column; padding: 8px; background: var(--site-bg); border-bottom: 1px solid var(--site-border);
    box-shadow: 0 8px 16px rgb(0 0 0 / 12%); }
  .site-header.menu-open nav { display: flex; max-height: calc(100vh - var(--site-header-height)); overflow-y: auto; }
  .site-header nav a { padding: 10px 12px; }
  /* On the reference the site's menu is the only one: it lists the operations, and Redoc's button goes. */
  .site-header.menu-open .site-nav-ops { display: flex; }
  button[aria-label='Open navigation menu'] { display: none !important; }
}
.site-nav-ops { display: none; flex-direction: column; margin-top: 6px; padding-top: 6px; border-top: 1px solid var(--site-border); }
.site-nav-heading { padding: 4px 12px; font-size: 12px; font-weight: 600; text-transform: uppercase; color: var(--site-muted); }
.site-header .site-nav-theme { align-self: flex-start; margin: 6px 12px; }
.site-search-dialog { box-sizing: border-box; width: min(640px, calc(100vw - 16px)); max-height: min(80vh, 720px); margin: 8vh auto auto;
  padding: 0; border: 1px solid var(--site-border); border-radius: 10px; background: var(--site-bg); color: var(--site-fg);
  font: 15px/1.5 var(--site-font); overflow: hidden; }
.site-search-dialog::backdrop { background: rgb(0 0 0 / 45%); }
.site-search-dialog form { display: flex; gap: 8px; padding: 12px; border-bottom: 1px solid var(--site-border); }
.site-search-dialog input { flex: 1; min-width: 0; font: inherit; padding: 8px 10px; color: inherit; background: var(--site-bg);
  border: 1px solid var(--site-border); border-radius: 6px; }
.site-search-dialog button { font: inherit; color: inherit; background: var(--site-hover); border: 1px solid var(--site-border); border-radius: 6px; padding: 0 10px; cursor: pointer; }
.site-search-results { list-style: none; margin: 0; padding: 6px; overflow-y: auto; max-height: calc(min(80vh, 720px) - 70px); }
.site-search-results a { display: block; padding: 8px 10px; border-radius: 6px; color: inherit; text-decoration: none; }
.site-search-results a:hover, .site-search-results a:focus { background: var(--site-hover); }
.site-search-results strong { display: block; color: var(--site-accent); }
.site-search-results span { display: block; font-size: 13px; color: var(--site-muted); overflow-wrap: anywhere; }
.site-search-results mark { background: #fde68a; color: #18181b; }
.site-search-status { padding: 10px 16px; margin: 0; color: var(--site-muted); }
html.guide-page.dark { color-scheme: dark; background: #18181b; }
html.dark .guide { color: #e4e4e7; }
html.dark .guide code { background: #27272a; }
html.dark .guide pre code { background: none; }
html.dark .guide pre { background: #09090b; }
html.dark .guide th { background: #27272a; }
html.dark .guide blockquote { background: #1e293b; }
.guide { box-sizing: border-box; max-width: 820px; margin: 0 auto; padding: 32px 24px 96px;
  font: 16px/1.65 var(--site-font); color: #27272a; overflow-wrap: break-word; }
.guide h1 { font-size: 2.1em; line-height: 1.2; margin: 0.4em 0 0.6em; }
.guide h2 { font-size: 1.45em; margin: 1.8em 0 0.6em; padding-bottom: 0.2em; border-bottom: 1px solid var(--site-border); }
.guide h3 { font-size: 1.15em; margin: 1.5em 0 0.5em; }
.guide a { color: var(--site-accent); }
.guide code { font-family: var(--site-mono); font-size: 0.88em; background: #f4f4f5; padding: 0.1em 0.35em; border-radius: 4px; }
.guide .code-block { position: relative; }
.guide pre { background: #18181b; color: #f4f4f5; padding: 14px 16px; border-radius: 8px; overflow-x: auto; line-height: 1.5; }
.guide pre code { background: none; padding: 0; font-size: 0.85em; color: inherit; }
.guide .copy-code { position: absolute; top: 6px; right: 6px; font: 12px var(--site-font); color: #f4f4f5; background: #3f3f46;
  border: 1px solid #52525b; border-radius: 5px; padding: 3px 8px; cursor: pointer; }
.guide .copy-code:hover { background: #52525b; }
.guide .table-scroll { overflow-x: auto; margin: 1em 0; }
.guide table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
.guide th, .guide td { border: 1px solid var(--site-border); padding: 6px 10px; text-align: left; vertical-align: top; }
.guide th { background: #fafafa; }
.guide blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 4px solid var(--site-accent); background: #f8fafc; }
.guide-pager { display: flex; justify-content: space-between; gap: 16px; margin-top: 3em; padding-top: 1em;
  border-top: 1px solid var(--site-border); }
@media (max-width: 640px) { .guide { padding: 20px 14px 64px; font-size: 15px; } .guide h1 { font-size: 1.7em; } }
.hljs-keyword, .hljs-built_in, .hljs-literal, .hljs-meta { color: #f9a8d4; }
.hljs-string, .hljs-attr + .hljs-string { color: #86efac; }
.hljs-number { color: #fdba74; }
.hljs-comment { color: #a1a1aa; font-style: italic; }
.hljs-attr, .hljs-property, .hljs-variable, .hljs-params { color: #93c5fd; }
.hljs-title, .hljs-title.function_ { color: #fde68a; }
/* Redoc's light colours for methods and links are too faint for WCAG AA (4.5:1): darker ones. */
html:not(.dark) .tag-get > div { color: #166534 !important; }
html:not(.dark) .tag-post > div { color: #1d4ed8 !important; }
html:not(.dark) .tag-delete > div { color: #b91c1c !important; }
html:not(.dark) :is(p, li, td) > a, html:not(.dark) a[href^='https://scalegen.ai'], html:not(.dark) .button-variant-link { color: #1d4ed8 !important; }
html:not(.dark) body { --code-block-tokens-function-color: #1d4ed8; --code-block-tokens-string-color: #166534;
  --code-block-tokens-keyword-color: #9d174d; --code-block-tokens-number-color: #9a3412; --code-block-tokens-boolean-color: #9a3412;
  --code-block-tokens-comment-color: #52525b; --code-block-tokens-property-color: #1e3a8a; --code-block-tokens-operator-color: #3f3f46;
  --code-block-tokens-punctuation-color: #3f3f46; --code-block-tokens-builtin-color: #6b21a8; --code-block-tokens-constant-color: #9a3412;
  --code-block-tokens-variable-color: #1e3a8a; --code-block-tokens-class-name-color: #6b21a8; --code-block-tokens-default-color: #18181b; }
/* Redoc's dark comment and meta tokens (1.9:1, e.g. curl's here-document marker): a lighter grey. */
html.dark body { --code-block-tokens-comment-color: #a1a1aa; }
html.dark .th-meta { color: #a1a1aa !important; }
/* Redoc's dark mode briefly paints some field names in its accent (3.1:1 on the dark panel): its usual light text. */
html.dark .schema-name { color: rgb(251 251 252) !important; }
/* Phones: a status name or a word of a title is never cut in two; a wide table scrolls instead. */
@media (max-width: 640px) {
  [data-component-name="Markdown/Markdown"] table { display: block; overflow-x: auto; }
  [data-component-name="Markdown/Markdown"] :is(td, th) code { white-space: nowrap; }
  :is(h1, h2) { overflow-wrap: normal; word-break: normal; hyphens: manual; }
}
/* Skip link: the first thing Tab reaches on every page. */
.skip-link { position: absolute; left: 8px; top: -60px; z-index: 2000; padding: 8px 12px; border-radius: 6px;
  background: var(--site-bg); color: var(--site-accent); font: 600 14px var(--site-font); border: 2px solid var(--site-accent); }
.skip-link:focus { top: 8px; }
.sgi-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* Try it: a form on every operation of the reference, in the reference's colours (light and dark). */
.sgi-tryit { margin: 8px 0 16px; font: 14px/1.5 var(--site-font); color: var(--site-fg); }
.sgi-tryit-toggle, .sgi-tryit-send { font: 600 14px var(--site-font); color: #fff; background: #1d4ed8; border: 1px solid #1d4ed8;
  border-radius: 6px; padding: 7px 14px; cursor: pointer; min-height: 36px; }
.sgi-tryit-toggle[aria-expanded='true'] { color: #1d4ed8; background: var(--site-bg); }
html.dark .sgi-tryit-toggle[aria-expanded='true'] { color: #bfdbfe; border-color: #93c5fd; }
.sgi-tryit-toggle:hover, .sgi-tryit-send:hover { background: #1e40af; color: #fff; }
.sgi-tryit :focus-visible { outline: 2px solid var(--site-accent); outline-offset: 2px; }
.sgi-tryit-form { margin-top: 10px; padding: 14px; border: 1px solid var(--site-border); border-radius: 8px; background: var(--site-bg); }
.sgi-tryit-note, .sgi-tryit-hint { margin: 0 0 10px; color: var(--site-muted); overflow-wrap: anywhere; }
.sgi-tryit-hint { font-size: 13px; margin-top: -4px; }
.sgi-tryit-fields { display: flex; flex-direction: column; gap: 4px; }
.sgi-tryit-fields > label { font-weight: 600; margin-top: 6px; }
.sgi-tryit-where { font-weight: 400; color: var(--site-muted); }
.sgi-tryit input[type='text'], .sgi-tryit input[type='password'], .sgi-tryit select, .sgi-tryit textarea {
  box-sizing: border-box; width: 100%; font: 13px/1.4 var(--site-mono); color: var(--site-fg); background: var(--site-bg);
  border: 1px solid #71717a; border-radius: 6px; padding: 6px 8px; }
.sgi-tryit [aria-invalid='true'] { border-color: #b91c1c; }
html.dark .sgi-tryit [aria-invalid='true'] { border-color: #fca5a5; }
.sgi-tryit textarea { resize: vertical; min-height: 12em; }
.sgi-tryit .sgi-tryit-check { display: flex; gap: 6px; align-items: baseline; font-weight: 400; overflow-wrap: anywhere; }
.sgi-tryit-send { margin-top: 12px; }
.sgi-tryit-prompt:not(:empty) { margin-top: 8px; color: #b91c1c; font-weight: 600; }
html.dark .sgi-tryit-prompt:not(:empty) { color: #fca5a5; }
.sgi-body-check { margin: 4px 0 0; font-size: 13px; overflow-wrap: anywhere; }
.sgi-body-check[data-valid='false'] { color: #b91c1c; }
.sgi-body-check[data-valid='true'] { color: #166534; }
html.dark .sgi-body-check[data-valid='false'] { color: #fca5a5; }
html.dark .sgi-body-check[data-valid='true'] { color: #86efac; }
.sgi-body-check ul { margin: 4px 0 0; padding-left: 18px; font-family: var(--site-mono); white-space: normal; }
.sgi-tryit-result { margin-top: 10px; }
.sgi-tryit-status { margin: 0 0 6px; overflow-wrap: anywhere; }
.sgi-tryit-status[data-ok='true'] strong { color: #166534; }
.sgi-tryit-status[data-ok='false'] strong { color: #b91c1c; }
html.dark .sgi-tryit-status[data-ok='true'] strong { color: #86efac; }
html.dark .sgi-tryit-status[data-ok='false'] strong { color: #fca5a5; }
.sgi-tryit-headers { font: 12px/1.5 var(--site-mono); margin-bottom: 6px; }
.sgi-tryit-headers summary { cursor: pointer; font: 600 13px var(--site-font); }
.sgi-tryit-headers table { border-collapse: collapse; width: 100%; }
.sgi-tryit-headers caption { text-align: left; font-family: var(--site-font); }
.sgi-tryit-headers th, .sgi-tryit-headers td { text-align: left; padding: 1px 8px 1px 0; vertical-align: top; overflow-wrap: anywhere; }
.sgi-tryit-answer { margin: 0; max-height: 24em; overflow: auto; padding: 10px 12px; border-radius: 6px; background: #18181b; color: #f4f4f5;
  font: 12px/1.5 var(--site-mono); white-space: pre-wrap; overflow-wrap: anywhere; }
pre.sgi-sample { white-space: pre; }
/* A sample's copy button sits above its first line, never over it (the URL is on that line). */
[data-component-name="CodeBlock/CodeBlockControls"] ~ pre { padding-top: 40px !important; }
.sgi-to-samples { display: block; margin: 4px 0 8px; font: 600 14px var(--site-font); color: #1d4ed8; background: var(--site-bg);
  border: 2px solid currentColor; border-radius: 6px; padding: 6px 10px; cursor: pointer; }
.sgi-to-samples:not(:focus) { position: absolute; width: 1px; height: 1px; padding: 0; margin: 0; border: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
html.dark .sgi-to-samples { color: #93c5fd; }
/* One search for the whole site: the header's, which covers the guides too; Redoc's own is hidden. */
.menu-content > div:has(> [data-testid='search-trigger']) { display: none !important; }
/* Redoc's "API docs by" badge loads its logo from a CDN: the build points it at nothing, and it is hidden. */
:has(> a[href='https://redocly.com/redoc/']) { display: none !important; }
`;

/**
 * The header shown on every page: the site's name, one link per page (behind a menu button on narrow
 * screens), the search (Ctrl+K), and on guides a light/dark switch (the reference has Redoc's own).
 * @param {{ root: string, current: string, operations?: Array<{ href: string, text: string }> }} where
 *   `root` leads from the page to the site's folder (`''` or `'../'`); `current` is the page's own path
 *   inside the site (e.g. `guides/testing.html`); `operations`: on the reference, its operations, which
 *   the menu lists on narrow screens (where it is the page's only menu), with a dark mode button.
 */
export function siteHeader({ root, current, operations = [] }) {
  const link = (/** @type {string} */ href, /** @type {string} */ text, /** @type {string} */ full = text) =>
    `<a href="${root}${href}"${href === current ? ' aria-current="page"' : ''}${full === text ? '' : ` title="${escapeHtml(full)}"`}>${escapeHtml(text)}</a>`;
  const links = [
    link(referencePage, 'API reference'),
    link(endpointReferencePage, 'Endpoint API', 'Deployment endpoint reference'),
    ...guides.map((g) => link(guidePage(g.slug), g.nav ?? g.title, g.title)),
  ];
  const theme =
    current === referencePage || current === endpointReferencePage || current === consolePage
      ? ''
      : '<button type="button" class="site-theme" aria-pressed="false" aria-label="Dark mode">&#9790;</button>';
  return [
    '<a class="skip-link" href="#sgi-content">Skip to content</a>',
    '<header class="site-header">',
    `<a class="site-brand" href="${root}${referencePage}">${escapeHtml(siteName)}</a>`,
    '<button type="button" class="site-menu" aria-expanded="false" aria-controls="site-nav">Menu</button>',
    `<nav id="site-nav" aria-label="Site">${links.join('')}${
      operations.length
        ? `<div class="site-nav-ops" role="group" aria-label="Operations"><span class="site-nav-heading" aria-hidden="true">Operations</span>${operations
            .map((o) => `<a href="${escapeHtml(o.href)}">${escapeHtml(o.text)}</a>`)
            .join(
              '',
            )}<button type="button" class="site-nav-theme" aria-pressed="false">Dark mode</button></div>`
        : ''
    }</nav>`,
    '<span class="site-tools">',
    '<button type="button" class="site-search" aria-keyshortcuts="Control+K Meta+K" aria-haspopup="dialog">',
    'Search <kbd>Ctrl K</kbd></button>',
    theme,
    '</span></header>',
  ].join('');
}

/**
 * A whole guide page: head, header, the guide's HTML, and links to the previous and next guides.
 * @param {{ slug: string, title: string, html: string, script: string, description?: string, markdown?: string }} guide
 *   `script`: the site script's path inside the site folder; `description`: the page's description
 *   for search engines; `markdown`: the name of its Markdown copy, next to it.
 */
export function guideDocument({ slug, title, html, script, description, markdown }) {
  const i = guides.findIndex((g) => g.slug === slug);
  const prev = guides[i - 1];
  const next = guides[i + 1];
  const pager = [
    prev ? `<a rel="prev" href="${prev.slug}.html">&larr; ${escapeHtml(prev.title)}</a>` : '<span></span>',
    next ? `<a rel="next" href="${next.slug}.html">${escapeHtml(next.title)} &rarr;</a>` : '<span></span>',
  ].join('');
  return page({
    title,
    description,
    canonical: `${slug}.html`,
    markdown,
    root: '../',
    current: `guides/${slug}.html`,
    script,
    body: `${html}\n<nav class="guide-pager" aria-label="Guides">${pager}</nav>`,
  });
}

/**
 * An operation's own page (`operations/<operationId>.html`): its address does not change when the
 * reference's routes do; it says what the operation does and links to it in the reference.
 * @param {{ operationId: string, title: string, html: string, script: string, description: string }} operation
 */
export function operationDocument({ operationId, title, html, script, description }) {
  return page({
    title,
    description,
    canonical: `${operationId}.html`,
    markdown: `${operationId}.md`,
    root: '../',
    current: `operations/${operationId}.html`,
    script,
    body: html,
  });
}

/**
 * @param {{ title: string, description?: string, canonical: string, markdown?: string, root: string, current: string, script: string, body: string }} p
 */
function page({ title, description, canonical, markdown, root, current, script, body }) {
  return `<!DOCTYPE html>
<html lang="en" class="guide-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${guideCsp}">
<title>${escapeHtml(title)} | ${escapeHtml(siteName)}</title>
${description ? `<meta name="description" content="${escapeHtml(description)}">\n` : ''}<link rel="canonical" href="${escapeHtml(canonical)}">
${markdown ? `<link rel="alternate" type="text/markdown" href="${escapeHtml(markdown)}">\n` : ''}<link rel="icon" href="${root}favicon.svg" type="image/svg+xml">
<style>${siteCss}</style>
<script src="${root}${script}"></script>
</head>
<body>
${siteHeader({ root, current })}
<main class="guide" id="sgi-content">
${body}
</main>
</body>
</html>
`;
}

/** Guides run the site's own script (search, menu, dark mode, copy buttons) and load nothing from elsewhere. */
const guideCsp =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(/** @type {string} */ text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The former console page's address: "Try it" is now on each operation of the reference, and this page
 * sends the reader there (to the same operation), with a link for a browser that runs no script.
 * @param {{ script: string, redirect: string }} page `redirect`: the script that sends the reader on
 */
export function consoleDocument({ script, redirect }) {
  return `<!DOCTYPE html>
<html lang="en" class="guide-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${guideCsp}">
<meta name="robots" content="noindex">
<meta name="description" content="Try every operation of the API against the sandbox, from its page in the API reference.">
<title>Try it | ${escapeHtml(siteName)}</title>
<link rel="canonical" href="${referencePage}">
<style>${siteCss}</style>
<script src="${script}"></script>
<script src="${redirect}"></script>
</head>
<body>
${siteHeader({ root: '', current: consolePage })}
<main class="guide" id="sgi-content">
<h1>Try it</h1>
<p>Every operation of the <a href="${referencePage}">API reference</a> has a "Try it in the sandbox" form next to its description.</p>
</main>
</body>
</html>
`;
}

/** The page a server sends with a 404: the header, and the way back. */
export function notFoundDocument(/** @type {{ script: string }} */ { script }) {
  return `<!DOCTYPE html>
<html lang="en" class="guide-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${guideCsp}">
<title>Page not found | ${escapeHtml(siteName)}</title>
<style>${siteCss}</style>
<script src="/${script}"></script>
</head>
<body>
${siteHeader({ root: '/', current: notFoundPage })}
<main class="guide" id="sgi-content">
<h1>Page not found</h1>
<p>There is no page at this address. Start from the <a href="/${referencePage}">API reference</a> or the
<a href="/${guidePage(guides[0]?.slug ?? '')}">${escapeHtml(guides[0]?.title ?? '')}</a> guide.</p>
</main>
</body>
</html>
`;
}
