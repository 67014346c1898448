import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlainData, preparedValue, requireWithCodeCache } from '../src/compile-cache.js';

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

describe('preparedValue', () => {
  it('makes the value once, then reads it back with its shared and cyclic references', async () => {
    const shared = { type: 'string', enum: ['a', 'b'] };
    const cyclic: Record<string, unknown> = { name: 'root', items: [shared, shared] };
    cyclic.self = cyclic;
    let made = 0;
    const make = () => {
      made++;
      return cyclic;
    };
    const first = await preparedValue('operations of spec 1', make);
    expect([first.fromCache, first.saved, made]).toEqual([false, true, 1]);
    const second = await preparedValue('operations of spec 1', make);
    expect([second.fromCache, made]).toEqual([true, 1]);
    const value = second.value as typeof cyclic;
    expect(value).toEqual(cyclic);
    expect(value.self).toBe(value);
    const items = value.items as unknown[];
    expect(items[0]).toBe(items[1]);
    // Another key (another spec or Prism) is made afresh.
    expect((await preparedValue('operations of spec 2', make)).fromCache).toBe(false);
    expect(made).toBe(2);
  });

  it('makes the value again when the saved file cannot be read', async () => {
    await preparedValue('k', () => [1, 2, 3]);
    const [file] = readdirSync(cacheDir());
    writeFileSync(join(cacheDir(), file as string), 'not a serialized value');
    const again = await preparedValue('k', () => [4]);
    expect([again.fromCache, again.value]).toEqual([false, [4]]);
  });

  it('never saves a value that would not come back as it was (a class instance, a function)', async () => {
    class Operation {
      id = 'x';
    }
    const withInstance = await preparedValue('instance', () => ({ list: [new Operation()] }));
    expect(withInstance.saved).toBe(false);
    expect((await preparedValue('instance', () => ({ list: [] }))).fromCache).toBe(false);
    expect(isPlainData({ run: () => 1 })).toBe(false);
    expect(isPlainData({ [Symbol('s')]: 1 })).toBe(false);
    expect(isPlainData(Object.defineProperty({}, 'lazy', { get: () => 1, enumerable: true }))).toBe(false);
    expect(isPlainData({ a: [1, 'b', null, undefined, true, { c: Object.create(null) }] })).toBe(true);
  });

  it('neither reads nor writes a cache folder that other users could write to, and is off with NODE_DISABLE_COMPILE_CACHE', async () => {
    mkdirSync(cacheDir(), { mode: 0o777 });
    chmodSync(cacheDir(), 0o777);
    expect((await preparedValue('k', () => 1)).saved).toBe(false);
    expect(readdirSync(cacheDir())).toEqual([]);
    rmSync(cacheDir(), { recursive: true });
    process.env.NODE_DISABLE_COMPILE_CACHE = '1';
    try {
      expect((await preparedValue('k', () => 1)).saved).toBe(false);
    } finally {
      delete process.env.NODE_DISABLE_COMPILE_CACHE;
    }
    expect(() => readdirSync(cacheDir())).toThrow();
  });
});
