#!/usr/bin/env node
// Dates the versions `changeset version` just wrote: in each published package's CHANGELOG.md, a
// version heading with no `Released YYYY-MM-DD.` line under it gets one, with today's date (UTC).
// `pnpm version-packages` runs it after `changeset version`; the docs' changelog groups releases by it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from './api-report.mjs';

/** The changelog text with every undated version heading dated `date`. */
export function dated(text, date) {
  return text.replace(
    /^(## \d+\.\d+\.\d+\S*)\n\n(?!Released \d{4}-\d{2}-\d{2}\.)/gm,
    `$1\n\nReleased ${date}.\n\n`,
  );
}

/** Dates the changelogs of the published packages under `root`; returns the files changed. */
export function dateChangelogs(root, date = new Date().toISOString().slice(0, 10)) {
  const changed = [];
  for (const { dir, manifest } of workspacePackages(root)) {
    const file = join(root, dir, 'CHANGELOG.md');
    if (manifest.private || !existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const next = dated(text, date);
    if (next !== text) {
      writeFileSync(file, next);
      changed.push(join(dir, 'CHANGELOG.md'));
    }
  }
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const changed = dateChangelogs(fileURLToPath(new URL('../../', import.meta.url)));
  console.log(changed.length ? `Dated ${changed.join(', ')}` : 'Every version is dated.');
}
