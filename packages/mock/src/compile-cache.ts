import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Script } from 'node:vm';

/** A CommonJS file loaded by `requireWithCodeCache`. */
export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 reused compiled code saved by an earlier start. */
  fromCache: boolean;
  /** Saves the code V8 has compiled so far (once, and only when it was not read from the cache). */
  saveCache(): void;
  /** The file as it is on disk (path, size, time of change): what values prepared with its code are keyed on. */
  identity?: string;
}

/**
 * The folder for compiled code: private to this user (mode 0700, owned by them, not a link), or
 * undefined when it cannot be made so, since another user's file there would run as code.
 */
function cacheDir(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `sgi-mock-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0))) {
      return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Requires the CommonJS file `file` the way Node 22's `module.enableCompileCache()` would (Node 20
 * has no such switch): compiled through `vm.Script` with the code V8 saved on an earlier start, so a
 * large bundle is not parsed and compiled again. V8 rejects saved code made for another source or
 * another V8, and the file is then compiled as usual. `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 */
export function requireWithCodeCache<T>(file: string): LoadedBundle<T> {
  const source = readFileSync(file, 'utf8');
  const dir = cacheDir();
  const stat = statSync(file);
  const identity = `${file} ${stat.size} ${stat.mtimeMs}`;
  const key = createHash('sha256')
    .update(`${process.version} ${process.arch} ${identity}`)
    .digest('hex')
    .slice(0, 32);
  const cacheFile = dir ? join(dir, `${key}.v8`) : undefined;
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  let saved = fromCache || cacheFile === undefined;
  return {
    exports: module.exports,
    fromCache,
    identity,
    saveCache() {
      if (saved || !cacheFile) return;
      saved = true;
      try {
        const partial = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
      } catch {
        // A cache that cannot be written costs the next start its compile time, nothing else.
      }
    },
  };
}

/**
 * Whether `value` is plain data that `v8.serialize` keeps as it is: objects of `Object.prototype` (or
 * none), arrays, strings, numbers, booleans, null and undefined, shared or cyclic. A class instance would
 * come back a plain object (its methods lost) and a function not at all: such a value is not cached.
 */
export function isPlainData(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (type !== 'object') return false;
  const object = value as object;
  if (seen.has(object)) return true;
  seen.add(object);
  const proto = Object.getPrototypeOf(object);
  if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(object).length > 0) return false;
  for (const key of Object.keys(object)) {
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (!descriptor || !('value' in descriptor)) return false; // a getter
    if (!isPlainData(descriptor.value, seen)) return false;
  }
  return true;
}

/** A value read from {@link preparedValue}'s cache, or made and saved there. */
export interface Prepared<T> {
  value: T;
  /** Whether it was read from a file an earlier start saved. */
  fromCache: boolean;
  /** Whether it was made now and saved for the next start. */
  saved: boolean;
}

/**
 * A value that takes long to make and is the same on every start for the same inputs (Prism's operations
 * of the spec): read from the private compile-cache folder when an earlier start saved it for `key`
 * (hashed with Node's version), else made by `make` and saved there (with `v8.serialize`, which keeps
 * shared and cyclic references), when it is plain data ({@link isPlainData}). A file that cannot be read
 * is made again; `NODE_DISABLE_COMPILE_CACHE=1` turns it off as it does the code cache.
 */
export async function preparedValue<T>(key: string, make: () => Promise<T> | T): Promise<Prepared<T>> {
  const dir = cacheDir();
  const name = createHash('sha256').update(`${process.version} ${process.arch} ${key}`).digest('hex');
  const file = dir ? join(dir, `${name.slice(0, 32)}.prepared`) : undefined;
  if (file) {
    try {
      return { value: deserialize(readFileSync(file)) as T, fromCache: true, saved: false };
    } catch {
      // None yet, or unreadable: made again below.
    }
  }
  const value = await make();
  let saved = false;
  if (file && isPlainData(value)) {
    try {
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, serialize(value), { mode: 0o600 });
      renameSync(partial, file);
      saved = true;
    } catch {
      // A value that cannot be saved costs the next start the time to make it, nothing else.
    }
  }
  return { value, fromCache: false, saved };
}
