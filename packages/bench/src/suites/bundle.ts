/** 3. Bundle cost: what a browser app pays to make one GET with each client (esbuild, minified, compressed). */
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

/** Sizes in bytes of one bundle, and its largest inputs. */
export interface BundleSize {
  name: string;
  minified: number;
  gzip: number;
  brotli: number;
  /** The inputs that contribute most to the minified output, in bytes. */
  largestInputs: Array<{ path: string; bytes: number }>;
}

/** Bundles `source` (resolving imports from this package) for the browser, minified, and measures it. */
export async function bundleSize(name: string, source: string, resolveDir: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'js', sourcefile: 'consumer.js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for ${name}`);
  const output = Object.values(result.metafile.outputs)[0];
  const largestInputs = Object.entries(output?.inputs ?? {})
    .map(([path, v]) => ({ path: path.replace(/^.*node_modules\//, ''), bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
  return {
    name,
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength },
    }).byteLength,
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
          name: '`@sgi/client` consumer, min+brotli',
          kind: 'max',
          limit: 4.5,
          unit: 'kB',
          figure: single(sgi.brotli / 1000),
        },
      ]
    : [];
  return {
    id: 'bundle',
    title: 'Bundle cost',
    method:
      'A consumer module per client that builds the client and exports one function making one GET, ' +
      'bundled by esbuild for the browser (`platform: browser`, ESM, ES2022, minified), then compressed with ' +
      'gzip (level 9) and brotli (quality 11). Sizes are deterministic: one build each, no rounds. 1 kB = 1000 bytes.',
    tables: [
      {
        columns: ['consumer of', 'min', 'min+gzip', 'min+brotli', 'brotli x openapi-fetch'],
        rows: sizes.map((s) => [
          s.name,
          kB(s.minified),
          kB(s.gzip),
          kB(s.brotli),
          ref ? `${num(s.brotli / ref.brotli)}x` : '–',
        ]),
      },
      ...(sgi
        ? [
            {
              caption: 'The inputs that make up the `@sgi/client` bundle (minified bytes in the output):',
              columns: ['input', 'bytes'],
              rows: sgi.largestInputs.map((i) => [`\`${i.path}\``, String(i.bytes)]),
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
