// @ts-check
/**
 * The docs' changelog page, generated (never edited by hand) from what the releases themselves write:
 * each published package's `CHANGELOG.md` (written by `changeset version`, dated by
 * `packages/release-checks/changelog-dates.mjs`), the pending changesets (the next release), and, for
 * the API, the changes of each operation and field that the breaking-change gate computes between the
 * released bundle and the current one. Entries are grouped by release date, then into what users can
 * now do (minor), what changed for them and what to do (major) and fixes (patch).
 * `node src/changelog.js` prints it; the docs build writes it to `guides/changelog.md` and renders it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listChanges } from '@sgi/breaking-changes';
import { parse } from 'yaml';

/** The repository's root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** @typedef {'major' | 'minor' | 'patch'} Bump */
/** @typedef {{ name: string, dir: string, version: string, dependencies: Record<string, string> }} Published */
/** @typedef {{ name: string, version: string, bump: Bump, text: string, first: boolean }} Entry */

/** The published packages of the workspace (non-private folders that the workspace globs name). */
export function publishedPackages(root = repoRoot) {
  /** @type {{ packages: string[] }} */
  const settings = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  /** @type {Published[]} */
  const found = [];
  for (const glob of settings.packages) {
    const dirs = glob.endsWith('/*')
      ? existsSync(join(root, glob.slice(0, -2)))
        ? readdirSync(join(root, glob.slice(0, -2))).map((d) => `${glob.slice(0, -2)}/${d}`)
        : []
      : [glob];
    for (const dir of dirs) {
      const file = join(root, dir, 'package.json');
      if (!existsSync(file)) continue;
      const m = JSON.parse(readFileSync(file, 'utf8'));
      if (!m.private)
        found.push({ name: m.name, dir, version: m.version, dependencies: m.dependencies ?? {} });
    }
  }
  return found;
}

const KINDS = /** @type {Record<string, Bump>} */ ({
  'Major Changes': 'major',
  'Minor Changes': 'minor',
  'Patch Changes': 'patch',
});

/**
 * A `CHANGELOG.md` as changesets writes it, read back: each version with its date (the `Released
 * YYYY-MM-DD.` line under its heading, when there is one) and its entries (each `- ` item with the
 * lines under it), "Updated dependencies" items left out (they list versions, not changes).
 * @param {string} text
 * @returns {{ version: string, date: string | undefined, entries: { bump: Bump, text: string }[] }[]}
 */
export function parseChangelog(text) {
  /** @type {{ version: string, date: string | undefined, entries: { bump: Bump, text: string }[] }[]} */
  const versions = [];
  /** @type {Bump | undefined} */
  let bump;
  /** @type {string[] | undefined} */
  let item;
  const close = () => {
    const current = versions[versions.length - 1];
    if (item && current && bump) {
      const entry = item.join('\n').trimEnd();
      if (!/^Updated dependencies/.test(entry)) current.entries.push({ bump, text: entry });
    }
    item = undefined;
  };
  for (const line of text.split('\n')) {
    const version = /^## (\d+\.\d+\.\d+\S*)\s*$/.exec(line);
    const kind = /^### (.+?)\s*$/.exec(line);
    const date = /^Released (\d{4}-\d{2}-\d{2})\.\s*$/.exec(line);
    if (version) {
      close();
      versions.push({ version: version[1] ?? '', date: undefined, entries: [] });
      bump = undefined;
    } else if (kind) {
      close();
      bump = KINDS[kind[1] ?? ''];
    } else if (date && versions.length > 0 && !item) {
      const current = versions[versions.length - 1];
      if (current) current.date = date[1];
    } else if (line.startsWith('- ')) {
      close();
      item = [line.slice(2)];
    } else if (item && (line.startsWith('  ') || line === '')) {
      item.push(line.slice(2));
    } else if (line.trim() !== '') {
      close();
    }
  }
  close();
  return versions;
}

/**
 * The pending changesets (`.changeset/*.md`): each with its releases and its text.
 * @param {string} root
 * @returns {{ id: string, releases: { name: string, bump: Bump }[], text: string }[]}
 */
export function pendingChangesets(root = repoRoot) {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!m) throw new Error(`.changeset/${file} has no front matter`);
      /** @type {Record<string, Bump>} */
      const front = parse(m[1] ?? '') ?? {};
      return {
        id: file.slice(0, -3),
        releases: Object.entries(front).map(([name, bump]) => ({ name, bump })),
        text: (m[2] ?? '').trim(),
      };
    });
}

const ORDER = ['none', 'patch', 'minor', 'major'];

/** @param {string} version @param {Bump} bump */
function bumped(version, bump) {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/**
 * The next versions the pending changesets make, as `changeset version` computes them: the largest
 * bump each package is named with, and a patch for a published package that depends on a released one.
 * @param {Published[]} packages
 * @param {ReturnType<typeof pendingChangesets>} changesets
 */
export function nextVersions(packages, changesets) {
  /** @type {Map<string, Bump>} */
  const bumps = new Map();
  for (const c of changesets) {
    for (const { name, bump } of c.releases) {
      if (ORDER.indexOf(bump) > ORDER.indexOf(bumps.get(name) ?? 'none')) bumps.set(name, bump);
    }
  }
  for (const pkg of packages) {
    if (!bumps.has(pkg.name) && Object.keys(pkg.dependencies).some((d) => bumps.has(d)))
      bumps.set(pkg.name, 'patch');
  }
  return new Map(
    packages
      .filter((p) => bumps.has(p.name))
      .map((p) => [p.name, bumped(p.version, bumps.get(p.name) ?? 'patch')]),
  );
}

const HEADINGS = /** @type {const} */ ([
  ['minor', 'New: what you can do now'],
  ['major', 'Changed: what you need to do'],
  ['patch', 'Fixed and improved'],
]);

/**
 * One release's entries, grouped (first releases count as new).
 * @param {Entry[]} entries
 */
function grouped(entries) {
  const out = [];
  for (const [bump, heading] of HEADINGS) {
    const these = entries.filter((e) => (e.first ? 'minor' : e.bump) === bump);
    if (these.length === 0) continue;
    out.push(`### ${heading}`, '');
    for (const e of these) {
      const [first, ...rest] = e.text.split('\n');
      out.push(
        `- **${e.version ? `${e.name} ${e.version}` : e.name}**: ${first}`,
        ...rest.map((l) => (l ? `  ${l}` : '')),
      );
    }
    out.push('');
  }
  return out;
}

/** @param {string} description */
const readable = (description) =>
  description
    .replace(/ in Request Body content \([^)]*\)/, ' in the request body')
    .replace(/ in Response (\d+) content \([^)]*\)/, ' in the $1 answer')
    .replace(/^\[(\w+)\] /, (_, verb) => `${verb}: `);

/**
 * The API's changes since the released bundle, operation by operation, as the gate computes them.
 * @param {string} root
 */
function apiChanges(root) {
  const released = join(root, 'spec/released/openapi.json');
  const current = join(root, 'spec/dist/openapi.json');
  if (!existsSync(released) || !existsSync(current)) return [];
  const changes = listChanges(
    JSON.parse(readFileSync(released, 'utf8')),
    JSON.parse(readFileSync(current, 'utf8')),
  );
  if (changes.length === 0) return [];
  const out = ['### The API, operation by operation', ''];
  out.push(
    `What the breaking-change gate finds between the released description and this one (${changes.filter((c) => c.breaking).length} breaking):`,
    '',
  );
  for (const operation of [...new Set(changes.map((c) => c.operation))]) {
    out.push(`- \`${operation}\``);
    for (const c of changes.filter((x) => x.operation === operation)) {
      out.push(`  - ${c.breaking ? '**Breaking.** ' : ''}${readable(c.description)}`);
    }
  }
  out.push('');
  return out;
}

/**
 * The changelog page (Markdown), newest first: the next release from the pending changesets, then
 * each release date with the versions published that day.
 * @param {string} root
 */
export function changelogMarkdown(root = repoRoot) {
  const packages = publishedPackages(root);
  const changesets = pendingChangesets(root);
  const next = nextVersions(packages, changesets);
  const out = [
    '# Changelog',
    '',
    "<!-- Generated by docs/src/changelog.js from the packages' CHANGELOG.md files and the pending changesets: do not edit. -->",
    '',
    `Changes to the API (\`@sgi/spec\`) and to the packages built from it (${packages
      .filter((p) => p.name !== '@sgi/spec')
      .map((p) => `\`${p.name}\``)
      .join(
        ', ',
      )}), newest first. The API's version is the \`version\` in the [reference](../index.html), the version of \`@sgi/spec\`; every package follows semantic versioning: a major version is the only one that can break code written for the previous one, and says what to do.`,
    '',
  ];
  if (changesets.length > 0) {
    out.push('## Next release (not published yet)', '');
    out.push(`${[...next].map(([name, version]) => `\`${name}\` ${version}`).join(', ')}.`, '');
    // One entry per changeset, under the largest bump it asks for, naming every package it releases.
    /** @type {Entry[]} */
    const entries = [];
    for (const c of changesets) {
      const releases = c.releases.filter((r) => ORDER.indexOf(r.bump) > 0);
      const top = releases.reduce(
        (a, r) => (ORDER.indexOf(r.bump) > ORDER.indexOf(a) ? r.bump : a),
        /** @type {Bump} */ ('patch'),
      );
      if (releases.length > 0) {
        entries.push({
          name: releases.map((r) => r.name).join(', '),
          version: '',
          bump: top,
          text: c.text,
          first: false,
        });
      }
    }
    out.push(...grouped(entries));
    out.push(...apiChanges(root));
  }
  /** @type {Map<string, Entry[]>} */
  const byDate = new Map();
  for (const pkg of packages) {
    const file = join(root, pkg.dir, 'CHANGELOG.md');
    if (!existsSync(file)) continue;
    const versions = parseChangelog(readFileSync(file, 'utf8'));
    versions.forEach((v, i) => {
      const date = v.date ?? 'Undated';
      const list = byDate.get(date) ?? [];
      for (const e of v.entries)
        list.push({
          name: pkg.name,
          version: v.version,
          bump: e.bump,
          text: e.text,
          first: i === versions.length - 1,
        });
      if (v.entries.length === 0)
        list.push({
          name: pkg.name,
          version: v.version,
          bump: 'patch',
          text: 'Rebuilt with the packages it depends on.',
          first: false,
        });
      byDate.set(date, list);
    });
  }
  const dates = [...byDate.keys()].sort((a, b) =>
    a === 'Undated' ? 1 : b === 'Undated' ? -1 : b.localeCompare(a),
  );
  for (const date of dates) {
    const entries = byDate.get(date) ?? [];
    const versions = [...new Set(entries.map((e) => `\`${e.name}\` ${e.version}`))];
    out.push(`## ${date}`, '', `${versions.join(', ')}.`, '', ...grouped(entries));
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(changelogMarkdown());
