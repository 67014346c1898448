import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { additiveEdits, breakingEdits, edited } from './support/edits.js';
import { endpointAdditiveEdits, endpointBreakingEdits } from './support/endpoint-edits.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const released = JSON.parse(readFileSync(join(repoRoot, 'spec/released/openapi.json'), 'utf8'));
const releasedEndpoint = JSON.parse(readFileSync(join(repoRoot, 'spec/released/endpoint.json'), 'utf8'));

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A throwaway copy of the repository's layout: the real released bundles, edited current ones (the
 * endpoint's is its baseline unless given).
 */
function checkout(
  current: unknown,
  changesets: Record<string, string> = {},
  version = '1.0.0',
  currentEndpoint: unknown = releasedEndpoint,
): string {
  dir = mkdtempSync(join(tmpdir(), 'sgi-gate-'));
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: [spec]\n');
  cpSync(join(repoRoot, 'spec/released'), join(dir, 'spec/released'), { recursive: true });
  mkdirSync(join(dir, 'spec/dist'), { recursive: true });
  writeFileSync(join(dir, 'spec/dist/openapi.json'), JSON.stringify(current, null, 2));
  writeFileSync(join(dir, 'spec/dist/endpoint.json'), JSON.stringify(currentEndpoint, null, 2));
  writeFileSync(join(dir, 'spec/package.json'), JSON.stringify({ name: '@sgi/spec', version }));
  mkdirSync(join(dir, '.changeset'));
  for (const [name, text] of Object.entries(changesets)) writeFileSync(join(dir, '.changeset', name), text);
  return dir;
}

function gate(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe('sgi-breaking-changes', () => {
  it('exits 1 on a deliberate breaking edit, listing it', () => {
    const run = gate(
      checkout(edited(released, breakingEdits['removed response field (InferenceDeployment.user_id)'])),
    );
    expect(run.status).toBe(1);
    expect(run.err).toContain('[Removed] property `user_id` from `message` in Response 200 content');
    expect(run.err).toContain('[removed-field]');
  });

  it('exits 0 on the same edit when a changeset announces a major bump of @sgi/spec', () => {
    const major = {
      'drop-user-id.md': '---\n"@sgi/spec": major\n---\n\nDeployments no longer return user_id.\n',
    };
    const run = gate(
      checkout(
        edited(released, breakingEdits['removed response field (InferenceDeployment.user_id)']),
        major,
      ),
    );
    expect(run.status, run.err).toBe(0);
    expect(run.out).toContain('announced as a major bump');
  });

  it('exits 0 on an additive edit', () => {
    const run = gate(
      checkout(edited(released, additiveEdits['new operation (GET /sg_inf/{inference_id}/logs)'])),
    );
    expect(run.status, run.err).toBe(0);
    expect(run.out).toContain('No breaking change');
  });

  it('exits 1 on a breaking edit of the endpoint document alone, naming that document', () => {
    const run = gate(
      checkout(
        released,
        {},
        '1.0.0',
        edited(releasedEndpoint, endpointBreakingEdits['removed route (POST /v1/completions)']),
      ),
    );
    expect(run.status).toBe(1);
    expect(run.out).toContain('No breaking change in the API description');
    expect(run.err).toContain("in the deployment endpoint's description since the released @sgi/spec@1.0.0");
    expect(run.err).toContain('/paths/~1v1~1completions');
  });

  it('exits 0 on an additive edit of the endpoint document', () => {
    const run = gate(
      checkout(
        released,
        {},
        '1.0.0',
        edited(releasedEndpoint, endpointAdditiveEdits['new route (POST /tokenize)']),
      ),
    );
    expect(run.status, run.err).toBe(0);
    expect(run.out).toContain("No breaking change in the deployment endpoint's description");
  });

  it('exits 2 naming the file when the endpoint baseline is missing', () => {
    const root = checkout(released);
    rmSync(join(root, 'spec/released/endpoint.json'));
    const run = gate(root);
    expect(run.status).toBe(2);
    expect(run.err).toContain(
      "The released bundle of the deployment endpoint's description (endpoint.json) is missing",
    );
  });

  it('exits 2 with the cause when the current bundle is missing', () => {
    const root = checkout(released);
    rmSync(join(root, 'spec/dist'), { recursive: true });
    const run = gate(root);
    expect(run.status).toBe(2);
    expect(run.err).toContain(
      'The current bundle of the API description (run `pnpm build` first) is missing',
    );
  });

  it('--record-release makes the current bundles the released ones', () => {
    const current = edited(released, breakingEdits['removed operation (GET /sg_inf/list)']);
    const endpoint = edited(releasedEndpoint, endpointBreakingEdits['removed route (POST /v1/completions)']);
    const root = checkout(current, {}, '2.0.0', endpoint);
    expect(gate(root, '--record-release').status).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'spec/released/openapi.json'), 'utf8'))).toEqual(current);
    expect(JSON.parse(readFileSync(join(root, 'spec/released/endpoint.json'), 'utf8'))).toEqual(endpoint);
    expect(JSON.parse(readFileSync(join(root, 'spec/released/release.json'), 'utf8'))).toEqual({
      package: '@sgi/spec',
      version: '2.0.0',
    });
    const after = gate(root);
    expect(after.out).toContain(
      'No breaking change in the API description since the released @sgi/spec@2.0.0',
    );
    expect(after.out).toContain(
      "No breaking change in the deployment endpoint's description since the released @sgi/spec@2.0.0",
    );
  });

  it('--record-release leaves the record alone when the spec was not released', () => {
    const root = checkout(
      edited(released, additiveEdits['new response field (InferenceDeployment.region_label)']),
    );
    const run = gate(root, '--record-release');
    expect(run.out).toContain('Version 1.0.0 is already the recorded release');
    expect(JSON.parse(readFileSync(join(root, 'spec/released/openapi.json'), 'utf8'))).toEqual(released);
  });
});
