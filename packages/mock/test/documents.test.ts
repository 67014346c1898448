import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The package's documents, each for its reader: the README for partners who install and use the mock
 * (install and run first, no operator or maintainer detail), `docs/operating.md` for whoever hosts a
 * sandbox for others, `docs/internals.md` for maintainers; every link between them lands on a heading.
 */
const pkgDir = new URL('..', import.meta.url).pathname;
const documents = ['README.md', 'docs/operating.md', 'docs/internals.md'];
const read = (file: string) => readFileSync(join(pkgDir, file), 'utf8');

/** GitHub's id of a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The headings of a Markdown text, outside code blocks. */
function headings(markdown: string): string[] {
  return markdown
    .replace(/^```[\s\S]*?^```$/gm, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, ''));
}

/** The links of a document that do not land: a missing file, or a missing heading. */
function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const [, target = ''] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path = '', anchor] = target.split('#', 2);
    const to = path === '' ? file : join(dirname(file), path);
    if (!existsSync(join(pkgDir, to))) {
      broken.push(`${file}: ${target} (no such file)`);
      continue;
    }
    if (anchor !== undefined && !headings(read(to)).map(slug).includes(anchor))
      broken.push(`${file}: ${target} (no such heading)`);
  }
  return broken;
}

describe("the package's documents", () => {
  it('the README leads with install and use, and links the operators and maintainers documents', () => {
    const readme = read('README.md');
    const sections = headings(readme).filter((h, i) => i > 0 && !h.startsWith('#'));
    expect(sections[0]).toBe('Install and run');
    expect(readme.indexOf('## Install and run')).toBeLessThan(readme.indexOf('## From a test suite'));
    expect(readme).toContain('](docs/operating.md)');
    expect(readme).toContain('](docs/internals.md)');
  });

  it('the README holds no operator or maintainer detail: that is in its own documents', () => {
    const readme = read('README.md');
    const operatorOnly = [
      'sgi-mock:tenants', // the Redis key layout
      'compile-cache', // the start-up's code cache
      'maxmemory-policy', // Redis settings
      'sgi_mock_requests_total', // metrics
      '--admin-token', // keys
      'EnvironmentFile', // the systemd unit
      'light-my-request',
    ];
    for (const word of operatorOnly) expect(readme, word).not.toContain(word);
    const operating = read('docs/operating.md');
    for (const heading of [
      'Sandbox keys',
      'Limits',
      'Health, logs, metrics',
      'Running several replicas',
      'A deployment recipe',
    ])
      expect(headings(operating)).toContain(heading);
    expect(read('docs/internals.md')).toContain('sgi-mock:tenants');
    expect(read('docs/internals.md')).toContain('compile-cache');
  });

  it.each(documents)('every link of %s lands on a file and heading', (file) => {
    expect(brokenLinks(file, read(file))).toEqual([]);
  });

  it('catches a link that does not land (the check can fail)', () => {
    expect(
      brokenLinks('README.md', '[a](docs/operating.md#no-such-heading) [b](docs/nothing.md) [c](#limits)'),
    ).toEqual([
      'README.md: docs/operating.md#no-such-heading (no such heading)',
      'README.md: docs/nothing.md (no such file)',
      'README.md: #limits (no such heading)',
    ]);
  });
});
