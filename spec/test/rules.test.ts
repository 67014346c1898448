import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBodyConflicts } from '@sgi/spec/rules';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const base = { name: 'n', model: 'm', inf_type: 'llm' };

describe('createBodyConflicts (the rules the spec states in words)', () => {
  it('finds no conflict in a body without them, nor in what is not an object', () => {
    expect(createBodyConflicts(base)).toEqual([]);
    expect(createBodyConflicts(null)).toEqual([]);
    expect(createBodyConflicts([base])).toEqual([]);
  });

  it('names each worker field that a throughput guarantee replaces', () => {
    const body = {
      ...base,
      min_throughput_rate: 10,
      initial_worker_config: { min_workers: 1, initial_workers_gpu: 'A100', instance_types: [] },
    };
    expect(createBodyConflicts(body).map((c) => c.path.join('.'))).toEqual([
      'initial_worker_config.min_workers',
      'initial_worker_config.initial_workers_gpu',
    ]);
  });

  it('reads the legacy max_throughput_rate, and 0 as no guarantee', () => {
    const workers = { initial_worker_config: { initial_workers_gpu: 'A100' } };
    expect(createBodyConflicts({ ...base, max_throughput_rate: 5, ...workers })).toHaveLength(1);
    expect(createBodyConflicts({ ...base, max_throughput_rate: 0, ...workers })).toEqual([]);
  });

  it('refuses scale to zero with workers kept warm', () => {
    const body = {
      ...base,
      initial_worker_config: { min_workers: 2 },
      autoscaling_config: { scale_to_zero: true },
    };
    expect(createBodyConflicts(body)).toEqual([
      {
        path: ['autoscaling_config', 'scale_to_zero'],
        message: 'cannot be true when initial_worker_config.min_workers is greater than 0',
      },
    ]);
  });

  it('loads by name in Node, from an ES module and from CommonJS', () => {
    const check = `console.log(JSON.stringify(createBodyConflicts({ initial_worker_config: { min_workers: 1 }, autoscaling_config: { scale_to_zero: true } })))`;
    const fromModule = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { createBodyConflicts } from '@sgi/spec/rules'; ${check}`],
      { cwd: here, encoding: 'utf8' },
    );
    const fromCommonJs = execFileSync(
      process.execPath,
      ['-e', `const { createBodyConflicts } = require('@sgi/spec/rules'); ${check}`],
      { cwd: here, encoding: 'utf8' },
    );
    expect(JSON.parse(fromModule)).toHaveLength(1);
    expect(fromCommonJs).toBe(fromModule);
  });
});
