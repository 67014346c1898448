import { describe, expect, it } from 'vitest';
import { tenant } from './support/sgi.js';

describe('sgi infer create: the request from flags', () => {
  it('creates what the flags say, as view --json reads it back', async () => {
    const { run } = tenant();
    const created = await run([
      'infer',
      'create',
      '--name',
      'llama-flags',
      '--model',
      'meta-llama/Llama-3.1-8B-Instruct',
      '--inf-type',
      'llm',
      '--engine',
      'vllm',
      '--controller',
      'AWS:us-east-1',
      '--cloud',
      'AWS:us-east-1,us-west-2',
      '--cloud',
      'GCP',
      '--spot',
      '--gpu',
      'L40S',
      '--gpu-count',
      '2',
      '--min-workers',
      '0',
      '--max-workers',
      '3',
      '--scale-to-zero',
      '30m',
      '--autoscaling-strategy',
      'rps_per_worker',
      '--max-model-len',
      '8192',
      '--lora',
      'sql=acme/llama-sql-lora',
      '--yes',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { inf_id } = JSON.parse(created.stdout) as { inf_id: string };
    const viewed = await run(['infer', 'view', inf_id, '--json']);
    expect(JSON.parse(viewed.stdout)).toMatchObject({
      name: 'llama-flags',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      inf_type: 'llm',
      engine: 'vllm',
      allow_spot_instances: true,
      max_model_len: 8192,
      controller_cloud_config: { cloud_provider: 'AWS', region: 'us-east-1' },
      cloud_providers: [
        { name: 'AWS', regions: ['us-east-1', 'us-west-2'] },
        { name: 'GCP', regions: [] },
      ],
      initial_worker_config: {
        initial_workers_gpu: 'L40S',
        initial_workers_gpu_num: 2,
        min_workers: 0,
        max_workers: 3,
      },
      autoscaling_config: {
        scale_to_zero: true,
        scale_to_zero_timeout_sec: 1800,
        autoscaling_strategy: 'rps_per_worker',
      },
      llm_loras: [expect.objectContaining({ name: 'sql', hf_repo: 'acme/llama-sql-lora' })],
    });
  });

  it('names the flag of each problem, and refuses values the parser can tell are wrong', async () => {
    const { run } = tenant();
    const conflict = await run([
      'infer',
      'create',
      '--name',
      'a',
      '--model',
      'm/x',
      '--controller',
      'AWS:US',
      '--min-workers',
      '1',
      '--scale-to-zero',
      '--dry-run',
    ]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain(
      'autoscaling_config.scale_to_zero (--scale-to-zero): cannot be true when',
    );
    const noController = await run(['infer', 'create', '--name', 'a', '--model', 'm/x', '--dry-run']);
    expect(noController.stderr).toContain('(root) (--controller or --on-prem-node): needs exactly one of');
    for (const [args, message] of [
      [['--gpu-count', 'two'], '--gpu-count must be a number'],
      [['--scale-to-zero', 'soon'], "--scale-to-zero: 'soon' is not a duration"],
      [['--inf-type', 'chat'], "argument 'chat' is invalid. Allowed choices are llm, embedding, tti, vlm"],
      [['--controller', 'AWS'], "--controller: 'AWS' is not PROVIDER:REGION"],
      [['--lora', 'just-a-repo'], "--lora: 'just-a-repo' is not NAME=HF_REPO"],
    ] as const) {
      const r = await run(['infer', 'create', '--name', 'a', '--model', 'm/x', '--dry-run', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
