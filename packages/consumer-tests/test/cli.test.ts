import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumerDir, runNpx, startBin } from './support/run.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes is the point
const ANSI = /\u001b\[/;

describe('@sgi/cli, installed from its tarball', () => {
  it('`npx sgi infer list` works against the sandbox started through sgi-mock, piped: plain, no colour', async () => {
    const mock = await startBin(
      'sgi-mock',
      ['--mode', 'sandbox', '--port', '0', '--provision-delay-ms', '0'],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      const env = { SCALEGEN_BASE_URL: mock.match[1] ?? '', SCALEGEN_ACCESS_TOKEN: 'consumer-cli' };
      const empty = await runNpx(['sgi', 'infer', 'list'], env);
      expect(empty.code, empty.stderr).toBe(0);
      expect(empty.stdout).toBe('No deployments.\n');

      const file = join(consumerDir(), 'bge.yaml');
      writeFileSync(
        file,
        'name: bge\nmodel: BAAI/bge-large-en-v1.5\ninf_type: embedding\ncontroller_cloud_config:\n  cloud_provider: SCALEGENAI\n  region: US\n',
      );
      const launched = await runNpx(
        ['sgi', 'infer', 'launch', file, '--yes', '--wait', '--interval', '100ms', '--json'],
        env,
      );
      expect(launched.code, launched.stderr).toBe(0);
      const id = (JSON.parse(launched.stdout) as { id: string }).id;

      const table = await runNpx(['sgi', 'infer', 'list'], env);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(
        new RegExp(`^ID\\s+NAME\\s+MODEL\\s+SPOT\\s+PRICE/H\\s+STATUS\\n${id}\\s+bge\\s+`),
      );
      expect(table.stdout + table.stderr).not.toMatch(ANSI);
      const listed = await runNpx(['sgi', 'infer', 'list', '--json'], env);
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, status: 'ACTIVE' })]);

      // The bundled spec is found from the installed @sgi/spec: a bad file names its field and line.
      writeFileSync(file, 'name: bge\nmodel: BAAI/bge-large-en-v1.5\ninf_type: embeddings\n');
      const bad = await runNpx(['sgi', 'infer', 'launch', file, '--yes'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`${file}:3:11: inf_type: must be one of "llm", "embedding", "tti", "vlm"`);
    } finally {
      expect(await mock.stop()).toBe(0);
    }
  });

  it('prints its version and help through the bin', async () => {
    const version = await runNpx(['sgi', '--version'], {});
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runNpx(['sgi', 'infer', 'launch', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Starts paid GPUs. Example:');
  });
});
