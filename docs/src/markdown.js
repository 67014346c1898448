// @ts-check
import hljs from 'highlight.js/lib/common';
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
      code({ text, lang }) {
        const language =
          lang && hljs.getLanguage(languageAliases[lang] ?? lang)
            ? (languageAliases[lang] ?? lang)
            : undefined;
        const html = language
          ? hljs.highlight(text, { language, ignoreIllegals: true }).value
          : escapeCode(text);
        const cls = language ? ` class="hljs language-${language}"` : '';
        // Focusable, so that a reader on a keyboard can scroll a long line sideways.
        return `<div class="code-block"><pre tabindex="0"><code${cls}>${html}</code></pre></div>\n`;
      },
      table(token) {
        const head = token.header.map((cell) => `<th>${this.parser.parseInline(cell.tokens)}</th>`).join('');
        const rows = token.rows
          .map(
            (row) =>
              `<tr>${row.map((cell) => `<td>${this.parser.parseInline(cell.tokens)}</td>`).join('')}</tr>`,
          )
          .join('\n');
        // A wide table scrolls in its own box instead of widening the page.
        return `<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>\n`;
      },
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

/** Fence names the guides use that highlight.js knows by another name. */
const languageAliases = /** @type {Record<string, string>} */ ({
  sh: 'bash',
  ts: 'typescript',
  text: 'plaintext',
});

function escapeCode(/** @type {string} */ text) {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
