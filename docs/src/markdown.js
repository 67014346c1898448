// @ts-check
import { Marked } from 'marked';

/** GitHub-style heading id: lower case, punctuation dropped, spaces to hyphens. */
export function slugify(/** @type {string} */ text) {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

/**
 * Renders one guide's Markdown (GitHub flavour) to HTML. Headings get GitHub-style ids, so links
 * written for GitHub work on the site too, and links to another guide's `.md` file point at its page.
 * @param {string} markdown
 * @returns {string}
 */
export function renderGuide(markdown) {
  const seen = new Map();
  const marked = new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === 'link') token.href = token.href.replace(/^([\w-]+)\.md(#|$)/, '$1.html$2');
    },
    renderer: {
      heading({ tokens, depth, text }) {
        const base = slugify(text);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const id = n === 0 ? base : `${base}-${n}`;
        return `<h${depth} id="${id}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
  });
  return /** @type {string} */ (marked.parse(markdown, { async: false }));
}
