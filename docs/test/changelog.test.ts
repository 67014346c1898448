import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changelogMarkdown,
  parseChangelog,
  pendingChangesets,
  publishedPackages,
  repoRoot,
} from '../src/changelog.js';
import { guidePage } from '../src/guides.js';
import { readPage } from './support/site.js';

/** Text without Markdown's or HTML's markup and with one space for any run of white space. */
const flat = (text: string) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ');

/** The first sentence-sized piece of an entry: what a reader must find on the page. */
const gist = (entry: string) =>
  entry
    .replace(/^\s*[-*] /gm, '')
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);

/**
 * What the changelog page leaves out: each published package's released version and changelog entry,
 * and each pending changeset, that the page's text does not hold.
 */
function missingFrom(page: string, { flattened = false, root = repoRoot } = {}): string[] {
  const text = flattened ? page : flat(page);
  const missing: string[] = [];
  for (const pkg of publishedPackages(root)) {
    for (const version of parseChangelog(readFileSync(join(root, pkg.dir, 'CHANGELOG.md'), 'utf8'))) {
      if (!text.includes(`${pkg.name} ${version.version}`)) missing.push(`${pkg.name} ${version.version}`);
      for (const entry of version.entries) {
        if (!text.includes(gist(entry.text)))
          missing.push(`${pkg.name} ${version.version}: ${gist(entry.text)}`);
      }
    }
  }
  for (const changeset of pendingChangesets(root)) {
    if (!text.includes(gist(changeset.text))) missing.push(`.changeset/${changeset.id}.md`);
  }
  return missing;
}

describe('the changelog page', () => {
  const page = readPage(guidePage('changelog'));
  let generated: string | undefined;
  /** The generator's output now (it compares the API descriptions: seconds, so once). */
  const changelog = () => {
    generated ??= changelogMarkdown();
    return generated;
  };

  it("holds every published package's every version and entry, and every pending changeset", () => {
    expect(missingFrom(page)).toEqual([]);
  });

  it('misses an entry that a CHANGELOG.md gained after it was built (the check can fail)', () => {
    const client = publishedPackages().find((p) => p.name === '@sgi/client');
    if (!client) throw new Error('no @sgi/client');
    const entry = parseChangelog(readFileSync(join(repoRoot, client.dir, 'CHANGELOG.md'), 'utf8'))[0]
      ?.entries[0];
    if (!entry) throw new Error('no entry in the client changelog');
    const without = flat(page).replace(gist(entry.text), '');
    expect(missingFrom(without, { flattened: true })).toEqual([`@sgi/client 1.0.0: ${gist(entry.text)}`]);
  });

  it('is generated from them: the built page is what the generator makes now', () => {
    expect(readFileSync(new URL('../guides/changelog.md', import.meta.url), 'utf8')).toBe(
      changelogMarkdown(),
    );
  });

  it('is dated and grouped into what is new, what changed (with what to do) and fixes', () => {
    const markdown = changelog();
    const releases = markdown.match(/^## .*$/gm) ?? [];
    expect(releases[0]).toBe('## Next release (not published yet)');
    for (const heading of releases.slice(1)) expect(heading).toMatch(/^## \d{4}-\d{2}-\d{2}$/);
    const headings = new Set(markdown.match(/^### .*$/gm));
    expect([...headings].sort()).toEqual(
      [
        '### Changed: what you need to do',
        '### Fixed and improved',
        '### New: what you can do now',
        '### The API, operation by operation',
      ].sort(),
    );
    // Every pending major change tells users what to do.
    const changed = markdown.split('### Changed: what you need to do')[1]?.split(/^### /m)[0] ?? '';
    const majors = changed.split(/^- /m).slice(1);
    expect(majors.length).toBeGreaterThan(0);
    for (const entry of majors) expect(entry).toContain('**What to do:**');
  });

  it("lists the API's changes operation by operation, as the breaking-change gate computes them", () => {
    const markdown = changelog();
    const api = markdown.split('### The API, operation by operation')[1] ?? '';
    expect(api).toMatch(/^- `POST \/sg_inf\/create`$/m);
    expect(api).toContain('Added: Response 413');
  });

  it("reads as users' text, not maintainers' notes", () => {
    const markdown = changelog();
    for (const phrase of ['object literal', 'object spread', 'round trip', 'chunk', 'rides with']) {
      expect(markdown, phrase).not.toContain(phrase);
    }
  });
});
