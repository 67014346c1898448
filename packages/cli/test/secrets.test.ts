import { afterEach, describe, expect, inject, it } from 'vitest';
import { startFaultyProxy } from './support/faulty-proxy.js';
import { DEPLOYMENT_YAML, sgi, tempFile } from './support/sgi.js';

const TOKEN = 'cli-bearer-secret-0123456789abcdef';
const HF_TOKEN = 'hf_cliSecretValue0123456789abcdef';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('secrets never appear in what sgi prints', () => {
  it('not the bearer token nor the hf_token: a launch refused by the API (422), with debug logging on', async () => {
    // The static mock answers the spec's own 422 example for this create.
    const p = await startFaultyProxy(inject('staticUrl'), (req) =>
      req.path === '/sg_inf/create' ? { headers: { prefer: 'code=422' } } : 'pass',
    );
    closers.push(p.close);
    const file = tempFile('gated.yaml', `${DEPLOYMENT_YAML}hf_token: ${HF_TOKEN}\n`);
    for (const json of [false, true]) {
      const r = await sgi(['infer', 'launch', file, '--yes', ...(json ? ['--json'] : [])], {
        tenant: TOKEN,
        baseUrl: p.url,
        env: { SCALEGEN_LOG: 'debug' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('HTTP 422');
      expect(r.stderr).toContain('debug:');
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stdout + r.stderr).not.toContain(HF_TOKEN);
    }
  });

  it('not an hf_token given as a flag or through HF_TOKEN, in --dry-run or in an error', async () => {
    for (const args of [
      ['--hf-token', HF_TOKEN],
      ['--hf-token', HF_TOKEN, '--gpu', 'H100'],
    ]) {
      const r = await sgi(
        [
          'infer',
          'create',
          '--name',
          'g',
          '--model',
          'meta-llama/Llama-3.1-8B-Instruct',
          '--controller',
          'SCALEGENAI:US',
          '--dry-run',
          ...args,
        ],
        { tenant: TOKEN },
      );
      expect(r.stdout + r.stderr).not.toContain(HF_TOKEN);
    }
    const fromEnv = await sgi(
      [
        'infer',
        'create',
        '--name',
        'g',
        '--model',
        'm/x',
        '--controller',
        'SCALEGENAI:US',
        '--dry-run',
        '--json',
      ],
      { tenant: TOKEN, env: { HF_TOKEN } },
    );
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ hf_token: '[***]' });
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain(HF_TOKEN);
  });
});
