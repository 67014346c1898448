import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireWithCodeCache } from '../src/compile-cache.js';

let dir: string;
const savedTmp = process.env.TMPDIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sgi-mock-cc-test-'));
  process.env.TMPDIR = join(dir, 'tmp');
  mkdirSync(process.env.TMPDIR);
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(dir, { recursive: true, force: true });
});

function bundle(): string {
  const file = join(dir, 'bundle.cjs');
  writeFileSync(
    file,
    "const path = require('node:path');\nexports.name = path.basename(__filename);\nexports.double = (n) => n * 2;\n",
  );
  return file;
}
const cacheDir = () =>
  join(process.env.TMPDIR as string, `sgi-mock-compile-cache-${process.getuid?.() ?? 'user'}`);

describe('requireWithCodeCache', () => {
  it('runs the file as CommonJS, saves the compiled code, and reuses it on the next load', () => {
    const file = bundle();
    const first = requireWithCodeCache<{ name: string; double(n: number): number }>(file);
    expect(first.exports.name).toBe('bundle.cjs');
    expect(first.exports.double(21)).toBe(42);
    expect(first.fromCache).toBe(false);
    first.saveCache();
    expect(readdirSync(cacheDir())).toHaveLength(1);

    const second = requireWithCodeCache<{ double(n: number): number }>(file);
    expect(second.fromCache).toBe(true);
    expect(second.exports.double(2)).toBe(4);
  });

  it('compiles afresh when the saved code belongs to another version of the file', () => {
    const file = bundle();
    requireWithCodeCache(file).saveCache();
    writeFileSync(file, 'exports.changed = true;\n');
    const again = requireWithCodeCache<{ changed: boolean }>(file);
    expect(again.exports.changed).toBe(true);
    expect(again.fromCache).toBe(false);
  });

  it('neither reads nor writes a cache folder that other users could write to', () => {
    const file = bundle();
    mkdirSync(cacheDir(), { mode: 0o777 });
    chmodSync(cacheDir(), 0o777);
    const loaded = requireWithCodeCache(file);
    loaded.saveCache();
    expect(loaded.fromCache).toBe(false);
    expect(readdirSync(cacheDir())).toEqual([]);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE', () => {
    const file = bundle();
    process.env.NODE_DISABLE_COMPILE_CACHE = '1';
    try {
      requireWithCodeCache(file).saveCache();
    } finally {
      delete process.env.NODE_DISABLE_COMPILE_CACHE;
    }
    expect(() => readdirSync(cacheDir())).toThrow();
  });
});
