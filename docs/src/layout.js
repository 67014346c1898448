// @ts-check
import { consolePage, guidePage, guides, notFoundPage, referencePage } from './guides.js';

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
.site-header {
  position: sticky; top: 0; z-index: 1000; box-sizing: border-box; height: var(--site-header-height);
  display: flex; align-items: center; gap: 16px; padding: 0 20px; white-space: nowrap;
  background: var(--site-bg); border-bottom: 1px solid var(--site-border); font: 14px/1.4 var(--site-font);
}
.site-header .site-brand { font-weight: 600; color: var(--site-fg); text-decoration: none; }
.site-header nav { display: flex; gap: 2px; min-width: 0; overflow-x: auto; }
.site-header nav a { padding: 6px 9px; border-radius: 6px; color: var(--site-muted); text-decoration: none; }
.site-header nav a:hover { background: var(--site-hover); color: var(--site-fg); }
.site-header nav a[aria-current='page'] { color: var(--site-accent); background: var(--site-hover); font-weight: 600; }
.site-header button { font: inherit; color: var(--site-fg); background: var(--site-bg); border: 1px solid var(--site-border);
  border-radius: 6px; padding: 5px 10px; cursor: pointer; min-height: 32px; }
.site-header button:hover { background: var(--site-hover); }
.site-header :focus-visible, .site-search-dialog :focus-visible, .guide :focus-visible { outline: 2px solid var(--site-accent); outline-offset: 2px; }
.site-tools { margin-left: auto; display: flex; gap: 8px; align-items: center; }
.site-search kbd { font: 11px var(--site-mono); color: var(--site-muted); border: 1px solid var(--site-border); border-radius: 4px; padding: 0 4px; margin-left: 6px; }
.site-menu { display: none; }
@media (max-width: 1100px) {
  .site-header { padding: 0 10px; gap: 8px; }
  .site-header .site-brand { display: none; }
  .site-menu { display: inline-block; }
  .site-header nav { display: none; position: absolute; top: var(--site-header-height); left: 0; right: 0;
    flex-direction: column; padding: 8px; background: var(--site-bg); border-bottom: 1px solid var(--site-border);
    box-shadow: 0 8px 16px rgb(0 0 0 / 12%); }
  .site-header.menu-open nav { display: flex; }
  .site-header nav a { padding: 10px 12px; }
}
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
/* One search for the whole site: the header's, which covers the guides too; Redoc's own is hidden. */
.menu-content > div:has(> [data-testid='search-trigger']) { display: none !important; }
/* Redoc's "API docs by" badge loads its logo from a CDN: the build points it at nothing, and it is hidden. */
:has(> a[href='https://redocly.com/redoc/']) { display: none !important; }
`;

/**
 * The header shown on every page: the site's name, one link per page (behind a menu button on narrow
 * screens), the search (Ctrl+K), and on guides a light/dark switch (the reference has Redoc's own).
 * @param {{ root: string, current: string }} where `root` leads from the page to the site's folder
 *   (`''` or `'../'`); `current` is the page's own path inside the site (e.g. `guides/testing.html`).
 */
export function siteHeader({ root, current }) {
  const link = (/** @type {string} */ href, /** @type {string} */ text) =>
    `<a href="${root}${href}"${href === current ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a>`;
  const links = [
    link(referencePage, 'API reference'),
    link(consolePage, 'Console'),
    ...guides.map((g) => link(guidePage(g.slug), g.title)),
  ];
  const theme =
    current === referencePage || current === consolePage
      ? ''
      : '<button type="button" class="site-theme" aria-pressed="false" aria-label="Dark mode">&#9790;</button>';
  return [
    '<header class="site-header">',
    `<a class="site-brand" href="${root}${referencePage}">${escapeHtml(siteName)}</a>`,
    '<button type="button" class="site-menu" aria-expanded="false" aria-controls="site-nav">Menu</button>',
    `<nav id="site-nav" aria-label="Site">${links.join('')}</nav>`,
    '<span class="site-tools">',
    '<button type="button" class="site-search" aria-keyshortcuts="Control+K Meta+K" aria-haspopup="dialog">',
    'Search <kbd>Ctrl K</kbd></button>',
    theme,
    '</span></header>',
  ].join('');
}

/**
 * A whole guide page: head, header, the guide's HTML, and links to the previous and next guides.
 * @param {{ slug: string, title: string, html: string, script: string }} guide `script`: the site
 *   script's path inside the site folder.
 */
export function guideDocument({ slug, title, html, script }) {
  const i = guides.findIndex((g) => g.slug === slug);
  const prev = guides[i - 1];
  const next = guides[i + 1];
  const pager = [
    prev ? `<a rel="prev" href="${prev.slug}.html">&larr; ${escapeHtml(prev.title)}</a>` : '<span></span>',
    next ? `<a rel="next" href="${next.slug}.html">${escapeHtml(next.title)} &rarr;</a>` : '<span></span>',
  ].join('');
  return `<!DOCTYPE html>
<html lang="en" class="guide-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${guideCsp}">
<title>${escapeHtml(title)} | ${escapeHtml(siteName)}</title>
<link rel="icon" href="../favicon.svg" type="image/svg+xml">
<style>${siteCss}</style>
<script src="../${script}"></script>
</head>
<body>
${siteHeader({ root: '../', current: `guides/${slug}.html` })}
<main class="guide">
${html}
<nav class="guide-pager" aria-label="Guides">${pager}</nav>
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
 * The console page: the site's header over Stoplight Elements, which shows each operation with a form
 * that sends it to the sandbox. `assets/console.js` runs first (it keeps the token in the tab, shows
 * response headers, carries the last created id), then `assets/console-access.js` (names, roles and
 * keyboard access that Elements' markup lacks), the request body's validators compiled from the spec and
 * `assets/console-check.js` (checks the body as the reader types); Elements' script and styles are
 * served from the site.
 * @param {{ sandboxUrl: string, script: string, consoleScript: string, accessScript: string, validatorsScript: string, checkScript: string, elementsScript: string, elementsCss: string }} page
 *   asset names are paths inside the site folder
 */
export function consoleDocument({
  sandboxUrl,
  script,
  consoleScript,
  accessScript,
  validatorsScript,
  checkScript,
  elementsScript,
  elementsCss,
}) {
  const origin = new URL(sandboxUrl).origin;
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'", // Elements sets inline styles
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${origin}`, // the spec, and the sandbox: never production
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en" class="console-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="sgi-sandbox-url" content="${escapeHtml(sandboxUrl.replace(/\/$/, ''))}" data-spec="console/openapi.json">
<title>Console | ${escapeHtml(siteName)}</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${elementsCss}">
<style>${siteCss}${consoleCss}</style>
<script src="${script}"></script>
<script src="${consoleScript}"></script>
<script src="${accessScript}"></script>
<script src="${validatorsScript}"></script>
<script src="${checkScript}"></script>
<script src="${elementsScript}" defer></script>
</head>
<body>
${siteHeader({ root: '', current: consolePage })}
<main class="console">
<p class="console-note">Requests go to the sandbox at <code>${escapeHtml(sandboxUrl)}</code>: no GPUs, no costs. Your token stays in this tab.
<span id="sgi-editor-hint">In the body editor, Tab indents: press Esc, then Tab, to move on.</span></p>
<elements-api router="hash" layout="responsive" hideSchemas="true" hideExport="true" logo="favicon.svg"></elements-api>
</main>
</body>
</html>
`;
}

const consoleCss = `
/* Elements' light colours (methods, "required", status tabs, muted text) are too faint for WCAG AA (4.5:1):
   the reference's darker ones. The try-it panel (.sl-inverted) is dark and keeps its own. */
html.console-page { --color-primary: #1d4ed8; --color-success: #166534; --color-danger: #b91c1c; --color-warning: #9a3412;
  --color-text-light: hsla(var(--text-h), var(--text-s), var(--text-l), 0.8); }
.console-page .sl-code-highlight__ln { opacity: 1 !important; color: #52525b; }
.console-page .sl-inverted .sl-code-highlight__ln { color: #a1a1aa; }
.console-page .token.keyword:not(.sl-inverted *) { color: #b31d28 !important; }
.console-page .sl-inverted .sl-button.sl-bg-primary { background-color: #1d4ed8; }
.console-page .sl-inverted .sl-button.sl-bg-primary:is(:hover, :focus-visible, :active) { background-color: #1e40af; }
.console { display: flex; flex-direction: column; height: calc(100vh - var(--site-header-height)); }
.console-note { margin: 0; padding: 6px 20px; font: 13px/1.5 var(--site-font); color: #3f3f46; background: #eff6ff; border-bottom: 1px solid #dbeafe; }
.console elements-api { display: block; flex: 1; min-height: 0; }
.sgi-body-check { margin: 8px 0 0; font: 13px/1.5 var(--site-font); }
.sgi-body-check[data-valid='false'] { color: #fecaca; }
.sgi-body-check[data-valid='true'] { color: #bbf7d0; }
.sgi-body-check ul { margin: 4px 0 0; padding-left: 18px; font-family: var(--site-mono); overflow-wrap: anywhere; }
.sgi-response-headers { margin-top: 12px; font: 13px/1.5 var(--site-mono); }
.sgi-response-headers summary { cursor: pointer; font-family: var(--site-font); font-weight: 600; }
.sgi-response-headers table { border-collapse: collapse; width: 100%; }
.sgi-response-headers caption { text-align: left; font-family: var(--site-font); }
.sgi-response-headers th, .sgi-response-headers td { text-align: left; padding: 2px 8px 2px 0; vertical-align: top; overflow-wrap: anywhere; }
`;

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
<main class="guide">
<h1>Page not found</h1>
<p>There is no page at this address. Start from the <a href="/${referencePage}">API reference</a> or the
<a href="/${guidePage(guides[0]?.slug ?? '')}">${escapeHtml(guides[0]?.title ?? '')}</a> guide.</p>
</main>
</body>
</html>
`;
}
