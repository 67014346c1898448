import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@sgi/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerDir, startBin } from './support/run.js';

/**
 * Every recipe of the README that ships in the @sgi/mock tarball, run as a user would copy it, against
 * the installed package: the library snippet, the vitest and jest set-ups, the CI shell recipe and the
 * curl calls. The README is read from the installed package, so what is tested is what users read.
 */

const exec = promisify(execFile);

interface Block {
  lang: string;
  code: string;
}

let readme: string;
let blocks: Block[];

/** The fenced code blocks of a Markdown text. */
function codeBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    code: m[2] ?? '',
  }));
}

/** The section of the README under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`The README has no '${heading}' section.`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = readme.slice(start + heading.length);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** A line that names the file the lines after it belong to: `// jest.config.cjs`, `// test/setup.ts: ...`. */
const FILE_LINE = /^\/\/ ([\w./-]+\.(?:[cm]?[jt]s|json))(?::.*)?$/;

/** The files a section's code blocks spell out, by name: each from its `// name` line to the next. */
function files(heading: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of codeBlocks(section(heading))) {
    let name: string | undefined;
    for (const line of block.code.split('\n')) {
      const start = FILE_LINE.exec(line)?.[1];
      if (start) name = start;
      if (name) out.set(name, `${out.get(name) ?? ''}${line}\n`);
    }
  }
  return out;
}

/**
 * The curl calls of a shell block, one string each: continuation lines joined, and a quoted body that
 * spans lines kept whole. Only calls of a local sandbox (ports 4010 and 4011) are taken.
 */
function curlCalls(code: string): string[] {
  const calls: string[] = [];
  let current: string | undefined;
  for (const line of code.replace(/\\\n\s*/g, ' ').split('\n')) {
    if (line.startsWith('curl ')) {
      if (current !== undefined) calls.push(current);
      current = line;
    } else if (current !== undefined && line.trim() !== '' && !/^(#|npx |export |until )/.test(line)) {
      current += `\n${line}`;
    } else if (current !== undefined) {
      calls.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) calls.push(current);
  return calls.filter((call) => /127\.0\.0\.1:401[01]/.test(call));
}

function write(dir: string, name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

/** The environment for a recipe: nothing of this test run's own `npm_*` or NODE_OPTIONS settings. */
function recipeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  const bin = join(consumerDir(), 'node_modules', '.bin');
  return { ...env, PATH: `${bin}:${env.PATH ?? ''}`, ...extra };
}

beforeAll(() => {
  readme = readFileSync(join(consumerDir(), 'node_modules', '@sgi', 'mock', 'README.md'), 'utf8');
  blocks = codeBlocks(readme);
});

describe('the README of @sgi/mock, run from the installed tarball', () => {
  it('says nothing that only holds in this repository', () => {
    expect(readme).not.toMatch(/pnpm (start|test|build)|CONTRIBUTING|workspace/i);
  });

  it('runs "From a test suite" as written', async () => {
    const snippet = codeBlocks(section('## From a test suite'))[0];
    expect(snippet?.code).toContain('startMockServer');
    const dir = join(consumerDir(), 'recipes', 'library');
    // The snippet is plain JavaScript with top-level await: an ES module runs it as it is.
    write(dir, 'snippet.mjs', snippet?.code ?? '');
    const { stdout } = await exec(process.execPath, ['snippet.mjs'], { cwd: dir, env: recipeEnv() });
    expect(stdout).toContain('{ success: true, message: [] }');
  });

  it('runs the vitest globalSetup recipe', async () => {
    const recipe = files('### vitest `globalSetup`');
    const setup = recipe.get('test/global-setup.ts');
    expect(setup, 'the recipe has test/global-setup.ts').toBeDefined();
    const config = /\/\/ vitest\.config\.ts: (test: \{.*\})/.exec(recipe.get('vitest.config.ts') ?? '')?.[1];
    expect(config, 'the recipe says what vitest.config.ts holds').toBeDefined();
    const use = /\/\/ in a test: (.*)/.exec(setup ?? '')?.[1];
    expect(use, 'the recipe shows how a test reads the URL').toBeDefined();
    const dir = join(consumerDir(), 'recipes', 'vitest');
    write(dir, 'test/global-setup.ts', setup ?? '');
    write(
      dir,
      'vitest.config.ts',
      `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ ${config} });\n`,
    );
    write(
      dir,
      'test/list.test.ts',
      `import { expect, inject, it } from 'vitest';
it('reaches the sandbox the set-up started', async () => {
  ${use}
  const res = await fetch(\`\${baseUrl}/sg_inf/list\`, { headers: { Authorization: 'Bearer vitest-recipe' } });
  expect(await res.json()).toEqual({ success: true, message: [] });
});
`,
    );
    const { stdout } = await exec(
      process.execPath,
      [join(consumerDir(), 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
      {
        cwd: dir,
        env: recipeEnv({ CI: 'true' }),
      },
    );
    expect(stdout).toMatch(/1 passed/);
  });

  it('runs the jest globalSetup recipe, TypeScript test included', async () => {
    const recipe = files('### jest `globalSetup`');
    expect([...recipe.keys()].sort()).toEqual(
      [
        'deployments.test.ts',
        'jest.config.cjs',
        'jest.mock-setup.mjs',
        'jest.mock-teardown.mjs',
        'tsconfig.json',
      ].sort(),
    );
    const install = codeBlocks(section('### jest `globalSetup`')).find((b) => b.lang === 'sh')?.code ?? '';
    // What the recipe tells users to install is what this project installed for it.
    for (const name of ['jest', 'ts-jest', '@types/jest', 'typescript@5', '@sgi/mock', '@sgi/client']) {
      expect(install.split(/\s+/)).toContain(name);
    }
    const dir = join(consumerDir(), 'recipes', 'jest');
    // A project of its own, as a user's would be: CommonJS by default, no other tsconfig above it.
    write(dir, 'package.json', '{ "private": true }\n');
    for (const [name, code] of recipe) write(dir, name, code);
    const { stdout, stderr } = await exec(
      process.execPath,
      [join(consumerDir(), 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'],
      { cwd: dir, env: recipeEnv() },
    ).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`jest failed:\n${e.stdout}\n${e.stderr}`);
    });
    expect(`${stdout}\n${stderr}`).toMatch(/Tests:\s+1 passed/);
  });

  it('runs the CI recipe: starts, waits until ready, and stops the command', async () => {
    const script = codeBlocks(section('### In CI, with the command')).find((b) => b.lang === 'sh')?.code;
    expect(script).toContain('npx sgi-mock');
    const port = await freePort();
    // The recipe's port and test command, made this run's own: a free port, and a call for `npm test`.
    const adapted = (script ?? '')
      .replaceAll('4010', String(port))
      .replace(
        /^npm test$/m,
        `curl -sf http://127.0.0.1:${port}/sg_inf/list -H 'Authorization: Bearer ci' > list.json`,
      );
    expect(adapted).not.toBe(script);
    const dir = join(consumerDir(), 'recipes', 'ci');
    write(dir, 'ci.sh', adapted);
    const { stdout } = await exec('bash', ['ci.sh'], { cwd: dir, env: recipeEnv(), timeout: 120_000 }).catch(
      (e: { stdout: string; stderr: string }) => {
        throw new Error(`the CI recipe failed:\n${adapted}\n${e.stdout}\n${e.stderr}`);
      },
    );
    expect(JSON.parse(readFileSync(join(dir, 'list.json'), 'utf8'))).toEqual({ success: true, message: [] });
    expect(stdout).toContain(`listening on http://127.0.0.1:${port}`);
    // `kill` reached npx; the mock follows its parent out: within a few seconds nothing listens any more.
    let listening = true;
    for (let i = 0; i < 100 && listening; i++) {
      listening = await fetch(`http://127.0.0.1:${port}/__sandbox/health`).then(
        () => true,
        () => false,
      );
      if (listening) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listening, 'the mock still listens after the recipe killed it').toBe(false);
  });

  it('holds what "CommonJS and older TypeScript settings" says: require() works', async () => {
    expect(section('### CommonJS and older TypeScript settings')).toContain("require('@sgi/mock')");
    const dir = join(consumerDir(), 'recipes', 'commonjs');
    write(dir, 'package.json', '{ "private": true }\n');
    write(
      dir,
      'main.cjs',
      `const { startMockServer } = require('@sgi/mock');
startMockServer({ port: 0, provisionDelayMs: 0 }).then(async (mock) => {
  const res = await fetch(\`\${mock.url}/sg_inf/list\`, { headers: { Authorization: 'Bearer cjs' } });
  console.log(JSON.stringify(await res.json()));
  await mock.close();
});
`,
    );
    const { stdout } = await exec(process.execPath, ['main.cjs'], { cwd: dir, env: recipeEnv() });
    expect(JSON.parse(stdout)).toEqual({ success: true, message: [] });
  });

  it('answers every curl call of the README as the README says', async () => {
    const mock = await startBin(
      'sgi-mock',
      ['--port', '0', '--provision-delay-ms', '0'],
      /listening on (http:\/\/\S+)/,
    );
    const staticMock = await startBin(
      'sgi-mock',
      ['--mode', 'static', '--port', '0'],
      /listening on (http:\/\/\S+)/,
    );
    try {
      const calls = blocks.filter((b) => b.lang === 'sh').flatMap((b) => curlCalls(b.code));
      expect(calls.length).toBeGreaterThan(4);
      for (const call of calls) {
        const target = call.includes(':4011') ? staticMock.match[1] : mock.match[1];
        // A call's own trailing comment (`curl ... # liveness`) would swallow the options added here.
        const bare = call.replace(/\s+#[^'"\n]*$/gm, '');
        const command = `${bare.replace(/http:\/\/127\.0\.0\.1:401[01]/g, target ?? '')} -o /dev/null -w '%{http_code}'`;
        const { stdout } = await exec('bash', ['-c', command], { env: recipeEnv() });
        const status = Number(stdout.trim());
        // Each call is answered as documented: never a 5xx the README does not announce, never a 405.
        const announced = /code=5\d\d|plain-text 500/.test(call) ? 599 : 499;
        expect(status, call).toBeGreaterThanOrEqual(200);
        expect(status, call).toBeLessThanOrEqual(announced);
        expect(status, call).not.toBe(405);
      }
    } finally {
      await mock.stop();
      await staticMock.stop();
    }
  });
});
