import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { parseCreateFile } from '../src/validate.js';
import { BIN } from './support/sgi.js';

const exec = promisify(execFile);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's shell session on the sandbox: the first ```sh block under "Try it on the sandbox". */
function sandboxSession(): string {
  const section = readme.slice(readme.indexOf('## Try it on the sandbox'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no shell session under "Try it on the sandbox"');
  return block;
}

describe('the README', () => {
  it("runs its sandbox session as written (the mock started by the test instead of the session's first line)", async () => {
    const session = sandboxSession();
    const lines = session.split('\n');
    expect(lines[0]).toMatch(/^npx sgi-mock &/);
    expect(lines[1]).toMatch(
      /^export SCALEGEN_BASE_URL=http:\/\/127\.0\.0\.1:4010 SCALEGEN_ACCESS_TOKEN=sandbox-token/,
    );
    const bin = mkdtempSync(join(tmpdir(), 'sgi-readme-'));
    symlinkSync(BIN, join(bin, 'sgi'));
    const script = [
      `export SCALEGEN_BASE_URL=${inject('sandboxUrl')} SCALEGEN_ACCESS_TOKEN=readme-${Date.now()}-${Math.random()}`,
      `cd ${bin}`,
      ...lines.slice(2),
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const { stdout, stderr } = await exec('bash', ['-c', script], { env, timeout: 120_000 });
    expect(stdout, stderr).toMatch(/ACTIVE https?:\/\/\S+\/inference\/embed$/m);
    expect(stdout).toMatch(/^ID\s+NAME\s+MODEL\s+SPOT\s+PRICE\/H\s+STATUS$/m);
    expect(stdout).toMatch(/Status\s+ACTIVE/);
    expect(stdout).toContain('is scaling to zero');
    expect(stdout).toContain('is being deleted');
    expect(stdout.trimEnd().endsWith('exit code 3')).toBe(true);
  });

  it('documents every exit code the program uses, with its number', () => {
    const table = readme.slice(readme.indexOf('### Exit codes'));
    for (const code of Object.values(ExitCode))
      expect(table).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('has a parity row for each command of `scalegen infer`', () => {
    const table = readme.slice(readme.indexOf('## Parity with `scalegen infer`'));
    for (const command of [
      'create',
      'launch CONFIG.yaml',
      'list',
      'view ID',
      'start ID',
      'stop ID [--force]',
      'delete ID [--force]',
    ])
      expect(table).toMatch(new RegExp(`^\\| \`${command.replace(/[[\]]/g, '\\$&')}`, 'm'));
  });

  it("shows an example launch file that the spec accepts, and the problems' format that launch prints", () => {
    const yaml = /cat > bge\.yaml <<'YAML'\n([\s\S]*?)\nYAML/.exec(readme)?.[1];
    expect(parseCreateFile(yaml ?? '').problems).toEqual([]);
    const bad = (yaml ?? '')
      .replace('initial_workers_gpu: L4', 'initial_workers_gpu: H100')
      .replace('scale_to_zero_timeout_sec: 1800', 'scale_to_zero_timeout_sec: 0');
    for (const p of parseCreateFile(bad).problems)
      expect(readme).toContain(`bge.yaml:${p.line}:${p.column}: ${p.field}: ${p.message.slice(0, 40)}`);
  });
});
