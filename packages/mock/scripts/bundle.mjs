// Bundles the parts of Prism the mock runs, with their whole dependency tree, into one CommonJS file
// (dist/vendor/prism.cjs) with esbuild, so that starting `sgi-mock` reads one file instead of resolving
// and compiling some 750 modules, and V8 can cache its compiled code (see src/compile-cache.ts). What
// the package lists in `dependencies` stays outside and is installed by npm as usual; `@faker-js/faker`
// (Prism's dynamic examples) is loaded only when first used. The mock's own code is compiled by tsc.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const runtime = new Set(Object.keys(pkg.dependencies ?? {}));
const packageOf = (path) =>
  (path.startsWith('@') ? path.split('/').slice(0, 2) : path.split('/', 1)).join('/');
const isOwnSource = (file) => !relative(join(root, 'src'), file).startsWith('..');

/** The package's own runtime dependencies stay imports; everything Prism needs goes into the bundle. */
const dependencies = {
  name: 'runtime-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = packageOf(args.path);
      if (name === '@faker-js/faker' && args.namespace !== 'lazy') {
        return { path: args.path, namespace: 'lazy' };
      }
      // Imported by the mock's own code (not by a copy bundled for Prism): the installed package.
      if (runtime.has(name) && (isOwnSource(args.importer) || args.namespace === 'lazy')) {
        return { external: true };
      }
      return undefined;
    });
    // Prism hands faker to json-schema-faker at start, but calls it only to invent dynamic examples:
    // every export is a stand-in that loads the real package on first use.
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
const deferred = (get) => new Proxy({}, {
  get(_, key) {
    const target = get();
    const value = target[key];
    return typeof value === 'function' ? value.bind(target) : value;
  },
  set(_, key, value) {
    get()[key] = value;
    return true;
  },
  has: (_, key) => key in get(),
  ownKeys: () => Reflect.ownKeys(get()),
  getOwnPropertyDescriptor(_, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});
module.exports = new Proxy({}, { get: (_, key) => deferred(() => load()[key]) });`,
      loader: 'js',
      resolveDir: root,
    }));
    // Prism reads Postman collections too, through postman-collection (and its own faker, run at load):
    // the mock only ever hands it the OpenAPI document, so that reader is left out.
    b.onResolve({ filter: /^@stoplight\/http-spec\/postman\/operation$/ }, (args) => ({
      path: args.path,
      namespace: 'no-postman',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-postman' }, () => ({
      contents: `exports.transformPostmanCollectionOperations = () => {
  throw new Error('Postman collections are not supported here: give Prism an OpenAPI document.');
};`,
      loader: 'js',
    }));
    // micri (Prism's HTTP server) registers source-map-support for its own stack traces: a global hook
    // on every error's stack, and start-up work, for a file that ships no source map here.
    b.onResolve({ filter: /sourcemap-register/ }, (args) =>
      args.importer.includes(`${sep}micri${sep}`) ? { path: args.path, namespace: 'empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
    // jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow: its ES module build.
    b.onResolve({ filter: /^jsonc-parser$/ }, (args) =>
      b.resolve('jsonc-parser/lib/esm/main.js', { resolveDir: args.resolveDir, kind: args.kind }),
    );
    // node-fetch 2 uses Node's own URL and falls back to whatwg-url (with its 260 kB Unicode table)
    // only where Node has none.
    b.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      args.importer.includes(`${sep}node-fetch${sep}`)
        ? { path: args.path, namespace: 'node-url' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({
      contents: "exports.URL = require('node:url').URL;",
      loader: 'js',
    }));
    // Prism calls two functions of lodash/fp (`merge` for each request's settings, `set` to tag a refused
    // request's errors), but `require('lodash/fp')` converts all of lodash's 300 at start: those two from
    // lodash's own per-function builds of lodash/fp (the same conversion), any other from lodash/fp itself
    // on its first use.
    b.onResolve({ filter: /^lodash\/fp$/ }, (args) =>
      args.namespace === 'lodash-fp'
        ? undefined
        : { path: args.path, namespace: 'lodash-fp', pluginData: { resolveDir: args.resolveDir } },
    );
    b.onLoad({ filter: /.*/, namespace: 'lodash-fp' }, (args) => ({
      contents: `const used = { merge: require('lodash/fp/merge'), set: require('lodash/fp/set') };
let all;
module.exports = new Proxy(used, {
  get: (target, key) => (key in target ? target[key] : (all ??= require('lodash/fp'))[key]),
});`,
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
    }));
    // node-fetch 2 tries `encoding` (an optional package for non-UTF-8 bodies) inside a try.
    b.onResolve({ filter: /^encoding$/ }, () => ({ external: true }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'vendor/prism': 'src/vendor/prism.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [dependencies],
});

// esbuild leaves a few non-ASCII characters as they are (in regular expression literals and a licence
// comment). One is enough for Node to decode the whole 3 MB as UTF-8 into a two-byte string at every
// start: written as `\u` escapes (the same characters to JavaScript, in literals, regular expressions
// and comments alike), the file reads about twice as fast and V8 holds its source in half the memory.
const bundleFile = join(root, 'dist', 'vendor', 'prism.cjs');
const text = readFileSync(bundleFile, 'utf8');
if (/[^\0-\x7f]/.test(text)) {
  const hex = (unit) => `\\u${unit.toString(16).padStart(4, '0')}`;
  writeFileSync(
    bundleFile,
    text.replace(/[^\0-\x7f]/gu, (char) =>
      Array.from({ length: char.length }, (_, i) => hex(char.charCodeAt(i))).join(''),
    ),
  );
}

// tsc, following the type-only import of the entry, also wrote it as a module of re-exports: not shipped.
for (const stale of ['prism.js', 'prism.d.ts']) rmSync(join(root, 'dist', 'vendor', stale), { force: true });
if (process.env.BUNDLE_META)
  (await import('node:fs')).writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
const inputs = Object.keys(result.metafile.inputs);
const packages = new Set(
  inputs
    .filter((i) => i.includes(`node_modules${sep}`) || i.includes('node_modules/'))
    .map((i) => packageOf(i.split('node_modules/').pop())),
);
console.log(`bundled ${inputs.length} modules of ${packages.size} packages into dist/`);
