import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import { marked } from 'marked';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The partner pages "The TypeScript client" and "The sandbox" promise that every example runs as
 * printed: each TypeScript snippet of the client's page runs (types stripped) against a sandbox, with
 * the server and the token in the environment as the page says, and each shell block of the sandbox's
 * page runs in bash against a sandbox, its `127.0.0.1:4010` made the test's own.
 */

const execFileP = promisify(execFile);
const docsDir = fileURLToPath(new URL('..', import.meta.url));

interface Snippet {
  /** The heading the snippet is under. */
  section: string;
  lang: string;
  code: string;
}

/** The code blocks of a guide, each with the heading above it. */
function snippets(slug: string): Snippet[] {
  const out: Snippet[] = [];
  let section = '';
  for (const token of marked.lexer(readFileSync(join(docsDir, 'guides', `${slug}.md`), 'utf8'))) {
    if (token.type === 'heading') section = token.text;
    if (token.type === 'code') out.push({ section, lang: token.lang ?? '', code: token.text });
  }
  return out;
}

let mock: MockServer;
let curlHome: string;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, deleteDelayMs: 0 }); // provisioning takes 2 s, as with `npx sgi-mock`
  // A reader's curl has no .curlrc: an empty one, and HOME pointing at it, keeps the machine's out.
  curlHome = mkdtempSync(join(tmpdir(), 'sgi-docs-guide-'));
  writeFileSync(join(curlHome, '.curlrc'), '');
});

afterAll(async () => {
  await mock?.close();
  if (curlHome) rmSync(curlHome, { recursive: true, force: true });
});

/** Runs a TypeScript snippet as an ES module, where `@sgi/client` is the built package. */
async function runTs(code: string, token: string): Promise<{ stdout: string; stderr: string }> {
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return execFileP(process.execPath, ['--input-type=module', '--eval', outputText], {
    cwd: docsDir,
    env: {
      PATH: process.env.PATH,
      HOME: curlHome,
      SCALEGEN_BASE_URL: mock.url.replace(/\/$/, ''),
      SCALEGEN_ACCESS_TOKEN: token,
    },
    timeout: 60_000,
  });
}

/** Runs a shell block in bash (`-euo pipefail`) with the sandbox's address made the test's own. */
async function runSh(code: string): Promise<string> {
  const script = code.replaceAll('http://127.0.0.1:4010', mock.url.replace(/\/$/, ''));
  const { stdout } = await execFileP('bash', ['-euo', 'pipefail', '-c', script], {
    env: { PATH: process.env.PATH, HOME: curlHome, CURL_HOME: curlHome },
    timeout: 60_000,
  });
  return stdout;
}

describe('The TypeScript client page', () => {
  const all = snippets('client');
  const tsBlocks = all.filter((s) => s.lang === 'ts');
  /** What a snippet prints, by its section: the page's words hold. */
  const prints: Record<string, RegExp> = {
    'A first call, for free': /^first-call is ACTIVE at https?:\/\/\S+\n$/,
    Credentials: /^(https?:\/\/\S+ ?){3}\n$/,
    'Waiting until ready': /still PROVISIONING[\s\S]*failed: \S/,
    Errors: /^no such deployment \(request req_\S+\)\nautoscaling_config\.scale_to_zero_timeout_sec: /,
    Retries: /^gave up after one retry: HTTP (429|503)\n$/,
    'Timeouts and cancelling': /^\d+ deployments\nstopped waiting\n$/,
    'The whole response: `withResponse`': /^\d+ 200 application\/json\S* req_\S+\nreq_\S+\n$/,
    'Any call: `rawClient`': /^404 \{"success":false/,
    'Other settings: `withOptions`': /^\d+ deployments/,
    Logging: /GET \/sg_inf\/list/,
  };

  it('covers install, a first call, errors, retries, timeouts, withResponse, rawClient, withOptions, logging and waiting', () => {
    expect(tsBlocks.map((s) => s.section)).toEqual(Object.keys(prints));
    expect(all.find((s) => s.section === 'Install')?.code).toBe('npm install @sgi/client');
  });

  it('tells how to run the first call against the sandbox, as this test runs it', () => {
    const command = all.find((s) => s.section === 'A first call, for free' && s.lang === 'sh')?.code;
    expect(command).toBe(
      'SCALEGEN_BASE_URL=http://127.0.0.1:4010 SCALEGEN_ACCESS_TOKEN=sandbox-token node first-call.mjs',
    );
  });

  it.each(tsBlocks.map((s, i) => [s.section, i] as const))(
    '%s: the snippet runs as printed',
    async (section, i) => {
      const { stdout, stderr } = await runTs(tsBlocks[i]?.code ?? '', `client-page-${i}`);
      expect(stderr).toBe('');
      expect(stdout).toMatch(prints[section] ?? /never/);
    },
  );

  it('a snippet that no longer matches the client fails (the check can fail)', async () => {
    const first = tsBlocks[0]?.code ?? '';
    await expect(
      runTs(first.replace('inference.create(', 'inference.make('), 'client-page-broken'),
    ).rejects.toThrow(/make is not a function/);
  });
});

describe('The sandbox page', () => {
  const sh = snippets('sandbox').filter((s) => s.lang === 'sh');
  const runnable = sh.filter((s) => s.code.includes('curl') && !/^(npm|npx) /m.test(s.code));
  /** What a block prints, by its section. */
  const prints: Record<string, RegExp> = {
    'Install and run': /^\{"success":true,"message":\[\]\}$/,
    'Tokens are tenants':
      /^\{"success":true,"message":\{"inf_id":"[^"]+"\}\}\{"success":true,"message":\[\]\}$/,
    'Scripting it with headers': /^\{"success":true,"message":\{"inf_id":"[^"]+"\}\}(429|503)\n$/,
    'The clock':
      /"offset_seconds":1800\}\}\{"success":true,"message":\{"now":"[^"]+","offset_seconds":1800\}\}$/,
    "Production's quirks": /^HTTP\/1\.1 204 No Content\r\n/,
    'Reset, and what you sent':
      /"path":"\/sg_inf\/create"[\s\S]*"message":"Sandbox reset: 2 deployments of this token removed\."\}$/,
  };

  it('runs sgi-mock as installed, and every flag it lists is one of sgi-mock --help', async () => {
    const install = sh.find((s) => s.section === 'Install and run')?.code;
    expect(install).toBe('npm install --save-dev @sgi/mock\nnpx sgi-mock');
    const pkg = createRequire(import.meta.url).resolve('@sgi/mock/package.json');
    const { stdout } = await execFileP(process.execPath, [
      join(dirname(pkg), 'bin', 'sgi-mock.js'),
      '--help',
    ]);
    const markdown = readFileSync(join(docsDir, 'guides', 'sandbox.md'), 'utf8');
    const flags = [...markdown.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1] ?? '');
    expect(flags.length).toBeGreaterThan(3);
    for (const flag of flags) expect(stdout).toContain(flag);
    expect(stdout).toMatch(/4010/);
  });

  it('has a block to run in every section that says what the sandbox does', () => {
    expect(runnable.map((s) => s.section)).toEqual(Object.keys(prints));
  });

  // In page order, against one sandbox: the reset at the end counts what the blocks before it created.
  it('every shell block runs as printed, in order, and prints what the page says', async () => {
    for (const block of runnable) {
      const stdout = await runSh(block.code);
      expect(stdout, block.section).toMatch(prints[block.section] ?? /never/);
    }
  }, 120_000);

  it('a block that calls the sandbox wrongly fails (the check can fail)', async () => {
    await expect(
      runSh("curl -sS --fail-with-body http://127.0.0.1:4010/sg_inf/lists -H 'Authorization: Bearer t'"),
    ).rejects.toThrow(/404/);
  });
});
