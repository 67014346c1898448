import { describe, expect, it } from 'vitest';
import {
  ANSI,
  DEPLOYMENT_YAML,
  requestLog,
  sgiOnTerminal,
  tempFile,
  tenant,
  withDeployment,
} from './support/sgi.js';

describe('output for scripts: piped, or --json', () => {
  it('prints no colour or cursor codes when piped, on standard output and standard error alike', async () => {
    const { run, id } = await withDeployment();
    const runs = await Promise.all([
      run(['infer', 'list']),
      run(['infer', 'view', id]),
      run(['infer', 'wait', id, '--interval', '100ms']),
      run(['infer', 'view', '00000000-0000-4000-8000-000000000000']),
      run(['infer', 'launch', tempFile('bad.yaml', 'name: a\n'), '--yes']),
      run(['infer', 'stop', id]),
      run(['infer', '--help']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 3, 2, 2, 0]);
    for (const r of runs) expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it('colours when FORCE_COLOR asks for it, and never when NO_COLOR is set', async () => {
    const { run, id } = await withDeployment();
    const forced = await run(['infer', 'view', id], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
    const both = await run(['infer', 'view', id], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.stdout).not.toMatch(ANSI);
  });

  it('--json prints exactly one JSON document on standard output, and errors as one on standard error', async () => {
    const { run, id } = await withDeployment();
    for (const args of [
      ['infer', 'list', '--json'],
      ['infer', 'view', id, '--json'],
      ['infer', 'wait', id, '--json'],
    ]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(0);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
    const missing = await run(['infer', 'view', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
    expect(JSON.parse(missing.stderr)).toEqual({
      error: {
        type: 'NotFoundError',
        message: expect.stringContaining('not found'),
        exitCode: 3,
        status: 404,
        requestId: expect.stringMatching(/^req_/),
      },
    });
  });
});

describe('on a terminal', () => {
  it('shows colour, bordered tables (plain with --plain) and a spinner, and none of it with NO_COLOR', async () => {
    const { token, id } = await withDeployment();
    const coloured = await sgiOnTerminal(['infer', 'wait', id, '--interval', '100ms'], { token });
    expect(coloured.code, coloured.stdout).toBe(0);
    expect(coloured.stdout).toContain('\u001b[?25l'); // the spinner hides the cursor
    expect(coloured.stdout).toMatch(ANSI);
    const table = await sgiOnTerminal(['infer', 'list'], { token });
    expect(table.stdout).toMatch(/┌─+┬/); // a bordered table, with a bold head
    expect(table.stdout).toContain('\u001b[1mid\u001b[22m');
    const plainTable = await sgiOnTerminal(['infer', 'list', '--plain'], { token });
    expect(plainTable.stdout).toMatch(/^ID\s+NAME\s+MODEL/m);
    expect(plainTable.stdout).not.toContain('┌');
    expect(plainTable.stdout).not.toMatch(ANSI);
    const plain = await sgiOnTerminal(['infer', 'wait', id, '--interval', '100ms'], {
      token,
      env: { NO_COLOR: '1' },
    });
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toContain(`${id} ACTIVE`);
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it('asks before a paid launch; "n" sends nothing, "y" creates', async () => {
    const { token } = tenant();
    const file = tempFile('d.yaml', DEPLOYMENT_YAML);
    const no = await sgiOnTerminal(['infer', 'launch', file], {
      token,
      input: 'n\r',
      env: { NO_COLOR: '1' },
    });
    expect(no.stdout).toContain('this starts paid GPUs');
    expect(no.stdout).toContain('Deploy BAAI/bge-large-en-v1.5 on paid GPUs? [y/N]');
    expect(no.stdout).toContain('launch: cancelled; nothing was changed');
    expect(no.code).toBe(2);
    expect((await requestLog(token)).filter((e) => e.path === '/sg_inf/create')).toEqual([]);

    const yes = await sgiOnTerminal(['infer', 'launch', file], {
      token,
      input: 'y\r',
      env: { NO_COLOR: '1' },
    });
    expect(yes.code, yes.stdout).toBe(0);
    expect((await requestLog(token)).filter((e) => e.path === '/sg_inf/create')).toHaveLength(1);
  });

  it('names the deployment before stopping or deleting it', async () => {
    const { token, id } = await withDeployment();
    const r = await sgiOnTerminal(['infer', 'delete', id], { token, input: 'n\r', env: { NO_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Delete bge-cli (BAAI/bge-large-en-v1.5)? This cannot be undone. [y/N]');
    const stop = await sgiOnTerminal(['infer', 'stop', id], { token, input: 'y\r', env: { NO_COLOR: '1' } });
    expect(stop.code, stop.stdout).toBe(0);
    expect(stop.stdout).toContain('Stop bge-cli (BAAI/bge-large-en-v1.5)?');
  });
});
