// @ts-check
import { guidePage, guides, referencePage } from './guides.js';

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
}
body { margin: 0; padding: 0; }
.site-header {
  position: sticky; top: 0; z-index: 100; box-sizing: border-box; height: var(--site-header-height);
  display: flex; align-items: center; gap: 20px; padding: 0 20px; overflow-x: auto; white-space: nowrap;
  background: #fff; border-bottom: 1px solid var(--site-border); font: 14px/1.4 var(--site-font);
}
.site-header .site-brand { font-weight: 600; color: #18181b; text-decoration: none; }
.site-header nav { display: flex; gap: 2px; }
.site-header nav a {
  padding: 6px 9px; border-radius: 6px; color: var(--site-muted); text-decoration: none;
}
.site-header nav a:hover { background: #f4f4f5; color: #18181b; }
.site-header nav a[aria-current='page'] { color: var(--site-accent); background: #eff6ff; }
/* Dark: the reference follows Redoc's colour mode (a class on <html>), the guides follow the system's. */
html.dark .site-header { background: #18181b; border-color: #3f3f46; }
html.dark .site-header .site-brand, html.dark .site-header nav a:hover { color: #fafafa; }
html.dark .site-header nav a { color: #a1a1aa; }
html.dark .site-header nav a:hover { background: #27272a; }
html.dark .site-header nav a[aria-current='page'] { color: #93c5fd; background: #1e293b; }
@media (prefers-color-scheme: dark) {
  html.guide-page { color-scheme: dark; background: #18181b; }
  html.guide-page .site-header { background: #18181b; border-color: #3f3f46; }
  html.guide-page .site-header .site-brand { color: #fafafa; }
  html.guide-page .site-header nav a { color: #a1a1aa; }
  html.guide-page .site-header nav a:hover { background: #27272a; color: #fafafa; }
  html.guide-page .site-header nav a[aria-current='page'] { color: #93c5fd; background: #1e293b; }
  html.guide-page .guide { color: #e4e4e7; }
  html.guide-page .guide a { color: #93c5fd; }
  html.guide-page .guide code { background: #27272a; }
  html.guide-page .guide pre code { background: none; }
  html.guide-page .guide pre { background: #09090b; }
  html.guide-page .guide th { background: #27272a; }
  html.guide-page .guide th, html.guide-page .guide td, html.guide-page .guide h2, html.guide-page .guide-pager { border-color: #3f3f46; }
  html.guide-page .guide blockquote { background: #1e293b; }
}
@media (max-width: 640px) { .site-header .site-brand { display: none; } .site-header { padding: 0 8px; } }
.guide { box-sizing: border-box; max-width: 820px; margin: 0 auto; padding: 32px 24px 96px;
  font: 16px/1.65 var(--site-font); color: #27272a; }
.guide h1 { font-size: 2.1em; line-height: 1.2; margin: 0.4em 0 0.6em; }
.guide h2 { font-size: 1.45em; margin: 1.8em 0 0.6em; padding-bottom: 0.2em; border-bottom: 1px solid var(--site-border); }
.guide h3 { font-size: 1.15em; margin: 1.5em 0 0.5em; }
.guide a { color: var(--site-accent); }
.guide code { font-family: var(--site-mono); font-size: 0.88em; background: #f4f4f5; padding: 0.1em 0.35em; border-radius: 4px; }
.guide pre { background: #18181b; color: #f4f4f5; padding: 14px 16px; border-radius: 8px; overflow-x: auto; line-height: 1.5; }
.guide pre code { background: none; padding: 0; font-size: 0.85em; color: inherit; }
.guide table { border-collapse: collapse; width: 100%; margin: 1em 0; font-size: 0.95em; }
.guide th, .guide td { border: 1px solid var(--site-border); padding: 6px 10px; text-align: left; vertical-align: top; }
.guide th { background: #fafafa; }
.guide blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 4px solid var(--site-accent); background: #f8fafc; }
.guide-pager { display: flex; justify-content: space-between; gap: 16px; margin-top: 3em; padding-top: 1em;
  border-top: 1px solid var(--site-border); }
/* Redoc's "API docs by" badge loads its logo from a CDN: the build points it at nothing, and it is hidden. */
:has(> a[href='https://redocly.com/redoc/']) { display: none !important; }
`;

/**
 * The header shown on every page: the site's name and one link per page.
 * @param {{ root: string, current: string }} where `root` leads from the page to the site's folder
 *   (`''` or `'../'`); `current` is the page's own path inside the site (e.g. `guides/testing.html`).
 */
export function siteHeader({ root, current }) {
  const link = (/** @type {string} */ href, /** @type {string} */ text) =>
    `<a href="${root}${href}"${href === current ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a>`;
  const links = [
    link(referencePage, 'API reference'),
    ...guides.map((g) => link(guidePage(g.slug), g.title)),
  ];
  return `<header class="site-header"><a class="site-brand" href="${root}${referencePage}">${escapeHtml(siteName)}</a><nav aria-label="Site">${links.join('')}</nav></header>`;
}

/**
 * A whole guide page: head, header, the guide's HTML, and links to the previous and next guides.
 * @param {{ slug: string, title: string, html: string }} guide
 */
export function guideDocument({ slug, title, html }) {
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

/** Guides run no script and load nothing from anywhere. */
const guideCsp =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(/** @type {string} */ text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
