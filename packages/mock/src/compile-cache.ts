import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A CommonJS file loaded by `requireWithCodeCache`. */
export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 reused compiled code saved by an earlier start. */
  fromCache: boolean;
  /** Saves the code V8 has compiled so far (once, and only when it was not read from the cache). */
  saveCache(): void;
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
  const key = createHash('sha256')
    .update(`${process.version} ${process.arch} ${file} ${stat.size} ${stat.mtimeMs}`)
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
