import { describe, expect, it } from 'vitest';
import { parseCreateFile, validateCreate } from '../src/validate.js';
import { DEPLOYMENT_YAML, requestLog, tempFile, tenant } from './support/sgi.js';

describe('a launch file is checked against the spec before anything is sent', () => {
  it('names the field and the line of each problem, exits 2, and sends nothing', async () => {
    const { run, token } = tenant();
    const file = tempFile(
      'bad.yaml',
      DEPLOYMENT_YAML.replace('scale_to_zero_timeout_sec: 1800', 'scale_to_zero_timeout_sec: 0').replace(
        'initial_workers_gpu: L4',
        'initial_workers_gpu: H100\n  min_workerz: 1',
      ),
    );
    const r = await run(['infer', 'launch', file, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `launch: ${file} is not a valid create request (3 problems); nothing was sent`,
    );
    expect(r.stderr).toContain(
      `${file}:11:24: initial_worker_config.initial_workers_gpu: must be one of the`,
    );
    expect(r.stderr).toContain('"H100_80GB"');
    expect(r.stderr).toContain(
      `${file}:12:3: initial_worker_config.min_workerz: is not a field of this object`,
    );
    expect(r.stderr).toContain(`${file}:15:30: autoscaling_config.scale_to_zero_timeout_sec: must be >= 1`);
    expect(await requestLog(token)).toEqual([]);
  });

  it('reads JSON files too, with their lines', async () => {
    const { run } = tenant();
    const file = tempFile(
      'bad.json',
      '{\n  "name": "bge",\n  "model": "BAAI/bge-large-en-v1.5",\n  "inf_type": "embeddings",\n  "controller_cloud_config": {"cloud_provider": "SCALEGENAI", "region": "US"}\n}\n',
    );
    const r = await run(['infer', 'launch', file, '--yes', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(r.stderr) as { error: { type: string; exitCode: number; message: string } };
    expect(doc.error).toMatchObject({ type: 'UsageError', exitCode: 2 });
    expect(doc.error.message).toContain('1 problem');
  });

  it('reports a YAML syntax error with its line, and a missing file by name', async () => {
    const { run } = tenant();
    const broken = await run([
      'infer',
      'launch',
      tempFile('broken.yaml', 'name: a\nmodel: [unclosed\n'),
      '--yes',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:\d+:\d+: \(syntax\): /);
    const missing = await run(['infer', 'launch', '/nonexistent/deployment.yaml', '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/deployment.yaml: ENOENT');
  });

  it('checks a file without credentials or network with --dry-run, and never prints the hf_token', async () => {
    const { run } = tenant();
    const secret = 'hf_aVeryPrivateTokenValue123456';
    const file = tempFile('gated.yaml', `${DEPLOYMENT_YAML}hf_token: ${secret}\n`);
    const r = await run(['infer', 'launch', file, '--dry-run', '--json'], {
      env: { SCALEGEN_ACCESS_TOKEN: undefined, SCALEGEN_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'bge-cli', hf_token: '[***]' });
    expect(r.stdout + r.stderr).not.toContain(secret);
  });
});

describe('parseCreateFile', () => {
  const at = (text: string) =>
    parseCreateFile(text).problems.map((p) => `${p.line}:${p.field}: ${p.message}`);

  it('accepts a valid request', () => {
    expect(parseCreateFile(DEPLOYMENT_YAML).problems).toEqual([]);
  });

  it('says that a controller is missing, once, on the line of the object that lacks it', () => {
    expect(at('name: a\nmodel: m/x\n')).toEqual([
      '1:(root): needs exactly one of controller_cloud_config, controller_on_prem_config, gateway_config',
    ]);
  });

  it('reports only the error of the controller that was given, not the other branches', () => {
    expect(
      at('name: a\nmodel: m/x\ncontroller_cloud_config:\n  cloud_provider: NOPE\n  region: US\n'),
    ).toEqual([
      expect.stringMatching(/^4:controller_cloud_config\.cloud_provider: must be one of "DATACRUNCH", "AWS"/),
    ]);
  });

  it('names two controllers given together', () => {
    const problems = at(
      'name: a\nmodel: m/x\ncontroller_cloud_config:\n  cloud_provider: AWS\n  region: US\ncontroller_on_prem_config:\n  on_prem_node_id: n1\n',
    );
    expect(problems).toContain(
      '3:controller_cloud_config: cannot be given together with another of controller_cloud_config, controller_on_prem_config, gateway_config',
    );
  });

  it('points at a misspelt field and at a missing required one', () => {
    expect(
      at('name: a\nmodle: m/x\ncontroller_cloud_config:\n  cloud_provider: AWS\n  region: US\n'),
    ).toEqual(['1:model: is required', '2:modle: is not a field of this object (misspelt?)']);
  });

  it('applies the rules between fields that the API applies', () => {
    expect(
      at(
        'name: a\nmodel: m/x\ncontroller_cloud_config: {cloud_provider: AWS, region: US}\ninitial_worker_config:\n  min_workers: 1\nautoscaling_config:\n  scale_to_zero: true\n',
      ),
    ).toEqual([
      '7:autoscaling_config.scale_to_zero: cannot be true when initial_worker_config.min_workers is greater than 0',
    ]);
    expect(
      validateCreate({
        name: 'a',
        model: 'm/x',
        min_throughput_rate: 10,
        initial_worker_config: { initial_workers_gpu: 'L4' },
        controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
      } as never),
    ).toEqual([
      {
        field: 'initial_worker_config.initial_workers_gpu',
        message: 'cannot be combined with min_throughput_rate, which sizes the deployment itself',
      },
    ]);
  });
});
