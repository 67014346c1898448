// The site's own script, on every page: the colour mode (shared with the reference's Redoc through
// `localStorage['redoc.colorMode']`), the header's menu button, one search over the guides and the
// reference (Ctrl+K), and a copy button on every code block of the guides. No dependency, no network
// but the site's own `search-index.json`.
(() => {
  const colorKey = 'redoc.colorMode';
  const root = document.documentElement;
  const isGuide = root.classList.contains('guide-page');
  const siteRoot = new URL('.', document.currentScript?.src ?? location.href);

  /** The reader's choice, else the system's. */
  function preferredMode() {
    let stored = null;
    try {
      stored = localStorage.getItem(colorKey);
    } catch {}
    if (stored === 'dark' || stored === 'light') return stored;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  function applyMode(mode) {
    root.classList.toggle('dark', mode === 'dark');
    root.classList.toggle('light', mode !== 'dark');
    const button = document.querySelector('.site-theme');
    if (button) button.setAttribute('aria-pressed', String(mode === 'dark'));
  }

  // Guides: set the mode before the first paint (this script is in <head>); Redoc does it on the reference.
  if (isGuide) applyMode(preferredMode());

  // The skip link: to the page's content (a guide's <main>, the reference's first heading), without
  // touching the URL's hash, which the reference routes with.
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('.skip-link');
    if (!link) return;
    const target =
      document.getElementById('sgi-content') ??
      document.querySelector('[data-testid="middle-panel"] h1, [data-testid="middle-panel"] h2, main h1, h1');
    if (!target) return;
    event.preventDefault();
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  });

  const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  let index;
  async function loadIndex() {
    if (!index) {
      index = fetch(new URL('search-index.json', siteRoot)).then((r) => {
        if (!r.ok) throw new Error(`search index: HTTP ${r.status}`);
        return r.json();
      });
    }
    return index;
  }

  /** Words that say nothing about what a reader looks for. */
  const stopWords = new Set([
    'a',
    'an',
    'the',
    'to',
    'of',
    'in',
    'on',
    'for',
    'how',
    'do',
    'i',
    'is',
    'it',
    'my',
    'and',
    'or',
  ]);

  /** The query's words, each cut to a stem that its other forms share ("authenticate", "authentication"). */
  function queryWords(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const kept = words.filter((w) => !stopWords.has(w));
    return (kept.length ? kept : words).map((w) => (/^[a-z]{7,}$/.test(w) ? w.slice(0, w.length - 2) : w));
  }

  /**
   * Entries that hold every word of the query, best first: a word in the title (a page or a heading)
   * weighs more than one in the text, and a word at the start of a word more than one inside it.
   */
  function search(entries, query) {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const scored = [];
    for (const entry of entries) {
      const title = entry.title.toLowerCase();
      const text = entry.text.toLowerCase();
      // Most of the words (all, for one or two): a missing small word does not hide the right page.
      const found = words.filter((w) => title.includes(w) || text.includes(w)).length;
      if (found < Math.max(1, Math.ceil(words.length / 2))) continue;
      // A sample's title only names its operation; its text is code.
      const sample = / sample$/.test(entry.title);
      // The heading a title ends with counts more than the page it is on ("Guide › Heading").
      const heading = title.split(' › ').pop().split(' · ')[0];
      let score = 0;
      for (const w of words) {
        const e = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const whole = new RegExp(`(^|[^a-z0-9_])${e}($|[^a-z0-9_])`);
        const start = new RegExp(`(^|[^a-z0-9_])${e}`);
        let t = 0;
        if (whole.test(heading)) t = 20;
        else if (start.test(heading)) t = 12;
        else if (start.test(title)) t = 6;
        else if (title.includes(w)) t = 2;
        score += t / (sample ? 4 : 1);
        if (text.includes(w)) score += (start.test(text) ? 2 : 1) / (sample ? 2 : 1);
      }
      if (found === words.length) score += 2;
      // A guide's section before the reference's entries, at the same score.
      if (entry.url.includes('guides/')) score += 3;
      scored.push([score, entry]);
    }
    return scored
      .sort((a, b) => b[0] - a[0])
      .slice(0, 20)
      .map(([, entry]) => entry);
  }

  /** ~160 characters of the text around the first word found, starting and ending on whole words. */
  function snippet(text, query) {
    const words = queryWords(query);
    const lower = text.toLowerCase();
    const at = Math.max(
      0,
      Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), lower.length),
    );
    let start = Math.max(0, at - 60);
    if (start > 0) {
      const space = text.indexOf(' ', start);
      start = space >= 0 && space < at ? space + 1 : start;
    }
    let end = Math.min(text.length, start + 160);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > at) end = space;
    }
    let part = (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
    part = escapeHtml(part);
    for (const w of words) {
      // The whole word that holds the stem.
      part = part.replace(
        new RegExp(`[\\w-]*${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\w-]*`, 'gi'),
        (m) => `<mark>${m}</mark>`,
      );
    }
    return part;
  }

  let dialog;
  function searchDialog() {
    if (dialog) return dialog;
    dialog = document.createElement('dialog');
    dialog.className = 'site-search-dialog';
    dialog.setAttribute('aria-label', 'Search the documentation');
    dialog.innerHTML =
      '<form method="dialog" role="search"><input type="search" name="q" aria-label="Search the guides and the API reference" placeholder="Search the guides and the API reference" autocomplete="off">' +
      '<button type="submit" value="close" aria-label="Close search">Esc</button></form>' +
      '<p class="site-search-status" role="status"></p><ul class="site-search-results"></ul>';
    document.body.append(dialog);
    const input = dialog.querySelector('input');
    const list = dialog.querySelector('ul');
    const status = dialog.querySelector('[role=status]');
    const render = async () => {
      const query = input.value.trim();
      if (!query) {
        list.innerHTML = '';
        status.textContent = 'Type to search the guides and the API reference.';
        return;
      }
      let entries;
      try {
        entries = await loadIndex();
      } catch (error) {
        status.textContent = `The search index could not be loaded (${error.message}).`;
        return;
      }
      if (input.value.trim() !== query) return;
      const found = search(entries, query);
      status.textContent = found.length
        ? `${found.length} result${found.length > 1 ? 's' : ''}`
        : 'Nothing found.';
      list.innerHTML = found
        .map(
          (e) =>
            `<li><a href="${escapeHtml(new URL(e.url, siteRoot).href)}"><strong>${escapeHtml(e.title)}</strong><span>${snippet(e.text, query)}</span></a></li>`,
        )
        .join('');
    };
    input.addEventListener('input', render);
    dialog.addEventListener('keydown', (event) => {
      const links = [...list.querySelectorAll('a')];
      const i = links.indexOf(document.activeElement);
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const next = event.key === 'ArrowDown' ? i + 1 : i - 1;
        if (next < 0) input.focus();
        else links[Math.min(next, links.length - 1)]?.focus();
      } else if (event.key === 'Enter' && document.activeElement === input && links[0]) {
        event.preventDefault();
        links[0].click();
      }
    });
    list.addEventListener('click', (event) => {
      if (event.target.closest('a')) dialog.close();
    });
    render();
    return dialog;
  }

  function openSearch() {
    const d = searchDialog();
    if (!d.open) d.showModal();
    const input = d.querySelector('input');
    input.focus();
    input.select();
  }

  // Ctrl+K (Cmd+K on a Mac) anywhere opens the search, before any handler of the page sees the key.
  window.addEventListener(
    'keydown',
    (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        event.stopImmediatePropagation();
        openSearch();
      }
    },
    true,
  );

  function addCopyButtons() {
    for (const block of document.querySelectorAll('.guide .code-block')) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-code';
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy the code');
      button.addEventListener('click', async () => {
        const code = block.querySelector('code')?.textContent ?? '';
        try {
          await navigator.clipboard.writeText(code);
          button.textContent = 'Copied';
        } catch {
          button.textContent = 'Copy failed';
        }
        setTimeout(() => {
          button.textContent = 'Copy';
        }, 2000);
      });
      block.append(button);
    }
  }

  function wireHeader() {
    const header = document.querySelector('.site-header');
    if (!header) return;
    const menu = header.querySelector('.site-menu');
    menu?.addEventListener('click', () => {
      const open = !header.classList.contains('menu-open');
      header.classList.toggle('menu-open', open);
      menu.setAttribute('aria-expanded', String(open));
    });
    // Following a link of the open menu closes it (on the reference, a link to an operation stays on the page).
    header.querySelector('nav')?.addEventListener('click', (event) => {
      if (!event.target.closest?.('a') || !header.classList.contains('menu-open')) return;
      header.classList.remove('menu-open');
      menu?.setAttribute('aria-expanded', 'false');
    });
    header.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && header.classList.contains('menu-open')) {
        header.classList.remove('menu-open');
        menu?.setAttribute('aria-expanded', 'false');
        menu?.focus();
      }
    });
    header.querySelector('.site-search')?.addEventListener('click', openSearch);
    const theme = header.querySelector('.site-theme');
    if (theme) {
      theme.setAttribute('aria-pressed', String(root.classList.contains('dark')));
      theme.addEventListener('click', () => {
        const mode = root.classList.contains('dark') ? 'light' : 'dark';
        try {
          localStorage.setItem(colorKey, mode);
        } catch {}
        applyMode(mode);
      });
    }
  }

  function ready() {
    wireHeader();
    addCopyButtons();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();
