/** 3. Bundle cost: what a browser app pays to make one GET with each client (esbuild, minified, compressed). */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageVersion } from '../repo.js';
import { type Goal, num, type SuiteResult } from '../report.js';
import type { SuiteContext } from '../suite.js';

/** One consumer module: imports a client and exports a function that makes one GET. */
export interface Consumer {
  name: string;
  /** The package whose code is bundled (for the availability check), if any. */
  packageName?: string;
  source: string;
}

/** The consumers, the floor first. */
export const consumers: Consumer[] = [
  {
    name: 'fetch + json() (floor)',
    source: `export async function get(id) {
  const res = await fetch('https://prod-api.scalegen.ai/sg_inf/' + id, { headers: { Authorization: 'Bearer t' } });
  return res.json();
}`,
  },
  {
    name: 'openapi-fetch',
    packageName: 'openapi-fetch',
    source: `import createClient from 'openapi-fetch';
const client = createClient({ baseUrl: 'https://prod-api.scalegen.ai', headers: { Authorization: 'Bearer t' } });
export function get(id) { return client.GET('/sg_inf/{inference_id}', { params: { path: { inference_id: id } } }); }`,
  },
  {
    name: '@sgi/client',
    packageName: '@sgi/client',
    source: `import { createClient } from '@sgi/client';
const client = createClient({ token: 't' });
export function get(id) { return client.inference.get(id); }`,
  },
  {
    name: 'openai',
    packageName: 'openai',
    source: `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 't', dangerouslyAllowBrowser: true });
export function get(id) { return client.models.retrieve(id); }`,
  },
  {
    name: '@anthropic-ai/sdk',
    packageName: '@anthropic-ai/sdk',
    source: `import Anthropic from '@anthropic-ai/sdk';
const client = new Anthropic({ apiKey: 't', dangerouslyAllowBrowser: true });
export function get(id) { return client.models.retrieve(id); }`,
  },
];

/** Sizes in bytes of a set of chunks, each minified and compressed on its own, as a server sends them. */
export interface ChunkSizes {
  /** How many chunks. */
  chunks: number;
  minified: number;
  gzip: number;
  brotli: number;
}

/** Sizes in bytes of one bundle, and its largest inputs. */
export interface BundleSize {
  name: string;
  /** What a page loads up front: the entry chunk and every chunk it imports statically, transitively. */
  eager: ChunkSizes;
  /** Every chunk, the ones loaded on demand by a dynamic `import()` included. */
  all: ChunkSizes;
  /** The inputs that contribute most to the minified output, in bytes, and whether they load up front. */
  largestInputs: Array<{ path: string; bytes: number; eager: boolean }>;
}

/** Sums the sizes of `chunks`, each compressed on its own. */
function compressed(chunks: Uint8Array[]): ChunkSizes {
  const sizes = { chunks: chunks.length, minified: 0, gzip: 0, brotli: 0 };
  for (const code of chunks) {
    sizes.minified += code.byteLength;
    sizes.gzip += gzipSync(code, { level: 9 }).byteLength;
    sizes.brotli += brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength },
    }).byteLength;
  }
  return sizes;
}

/**
 * Bundles `source` (resolving imports from `resolveDir`) for the browser, minified, with code
 * splitting, and measures it: the chunks loaded up front (`eager`) and all of them (`all`).
 */
export async function bundleSize(name: string, source: string, resolveDir: string): Promise<BundleSize> {
  // Nothing is written (`write: false`): `outdir` only places the chunks and their imports.
  const outdir = join(resolveDir, 'bundle-out');
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'js', sourcefile: 'consumer.js' },
    bundle: true,
    minify: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir,
    absWorkingDir: resolveDir,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const code = new Map(result.outputFiles.map((f) => [relative(resolveDir, f.path), f.contents]));
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === 'consumer.js');
  if (!entry || !code.get(entry)) throw new Error(`esbuild produced no output for ${name}`);
  // The entry chunk and what it imports statically; a dynamic import is loaded on demand.
  const eager = new Set<string>();
  const visit = (path: string) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const i of outputs[path]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const chunks = Object.keys(outputs).filter((path) => path.endsWith('.js'));
  const contents = (paths: string[]) => paths.map((path) => code.get(path) ?? new Uint8Array());
  const largestInputs = chunks
    .flatMap((chunk) =>
      Object.entries(outputs[chunk]?.inputs ?? {}).map(([path, v]) => ({
        path: path.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''),
        bytes: v.bytesInOutput,
        eager: eager.has(chunk),
      })),
    )
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
  return {
    name,
    eager: compressed(contents([...eager])),
    all: compressed(contents(chunks)),
    largestInputs,
  };
}

const kB = (bytes: number) => `${num(bytes / 1000)} kB`;
const single = (v: number) => ({ median: v, min: v, max: v, q1: v, q3: v, n: 1 });

/** Runs benchmark 3. */
export async function bundle(ctx: SuiteContext): Promise<SuiteResult> {
  const resolveDir = fileURLToPath(new URL('..', import.meta.url));
  const present = consumers.filter((c) => !c.packageName || packageVersion(c.packageName));
  const missing = consumers.filter((c) => !present.includes(c)).map((c) => c.name);
  ctx.log(`bundle: ${present.length} consumers`);
  const sizes: BundleSize[] = [];
  for (const c of present) sizes.push(await bundleSize(c.name, c.source, resolveDir));
  const ref = sizes.find((s) => s.name === 'openapi-fetch');
  const sgi = sizes.find((s) => s.name === '@sgi/client');
  const goals: Goal[] = sgi
    ? [
        {
          name: '`@sgi/client` consumer, loaded up front, min+brotli',
          kind: 'max',
          limit: 5.0,
          unit: 'kB',
          figure: single(sgi.eager.brotli / 1000),
        },
      ]
    : [];
  return {
    id: 'bundle',
    title: 'Bundle cost',
    method:
      'A consumer module per client that builds the client and exports one function making one GET, ' +
      'bundled by esbuild for the browser (`platform: browser`, ESM, ES2022, minified, code splitting on), ' +
      'then compressed with gzip (level 9) and brotli (quality 11), each chunk on its own as a server sends it. ' +
      '"Up front" is what the page loads before the first call: the entry chunk and every chunk it imports ' +
      'statically; "all chunks" adds those loaded on demand by a dynamic `import()`. A client without dynamic ' +
      'imports makes one chunk, so both figures are the same. Sizes are deterministic: one build each, no ' +
      'rounds. 1 kB = 1000 bytes.',
    tables: [
      {
        columns: [
          'consumer of',
          'min',
          'min+gzip',
          'min+brotli',
          'brotli x openapi-fetch',
          'all chunks, min+brotli',
          'chunks (up front / all)',
        ],
        rows: sizes.map((s) => [
          s.name,
          kB(s.eager.minified),
          kB(s.eager.gzip),
          kB(s.eager.brotli),
          ref ? `${num(s.eager.brotli / ref.eager.brotli)}x` : '–',
          kB(s.all.brotli),
          `${s.eager.chunks} / ${s.all.chunks}`,
        ]),
        caption: 'Loaded up front (the first four figures), and with every chunk:',
      },
      ...(sgi
        ? [
            {
              caption: 'The inputs that make up the `@sgi/client` bundle (minified bytes in the output):',
              columns: ['input', 'bytes', 'loaded'],
              rows: sgi.largestInputs.map((i) => [
                `\`${i.path}\``,
                String(i.bytes),
                i.eager ? 'up front' : 'on demand',
              ]),
            },
          ]
        : []),
    ],
    goals,
    notes: [
      ...(missing.length > 0 ? [`Not installed, so not measured: ${missing.join(', ')}.`] : []),
      'Measured beforehand on this machine kind: openapi-fetch 2.4 kB brotli, openai 31 kB, @anthropic-ai/sdk 69 kB.',
    ],
    data: { sizes },
  };
}
