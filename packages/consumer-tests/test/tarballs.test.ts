import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { consumerDir } from './support/run.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ALWAYS = /^(package\.json|README(\.md)?|CHANGELOG(\.md)?|LICEN[CS]E(\.md)?)$/i;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.each(Object.keys(inject('installed')))('%s as installed from its tarball', (name) => {
  const dir = () => join(consumerDir(), 'node_modules', name);

  it('holds only what its `files` field names, its README and its LICENSE', () => {
    const manifest = JSON.parse(readFileSync(join(dir(), 'package.json'), 'utf8'));
    const allowed: string[] = manifest.files;
    const files = filesUnder(dir()).map((f) => relative(dir(), f));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    for (const file of files) {
      const ok = ALWAYS.test(file) || allowed.some((entry) => file === entry || file.startsWith(`${entry}/`));
      expect(ok, `${name}: ${file} is not in files`).toBe(true);
    }
    expect(manifest.version).toBe(inject('installed')[name]);
  });

  it('names no dependency through the workspace protocol, and no path of the machine it was built on', () => {
    const manifest = readFileSync(join(dir(), 'package.json'), 'utf8');
    expect(manifest).not.toContain('workspace:');
    for (const file of filesUnder(dir())) {
      expect(
        readFileSync(file, 'utf8').includes(repoRoot),
        `${relative(dir(), file)} contains ${repoRoot}`,
      ).toBe(false);
    }
  });
});
