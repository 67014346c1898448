import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingBump } from '../src/changesets.js';
import { type GateInput, runGate } from '../src/gate.js';
import { additiveEdits, breakingEdits, edited } from './support/edits.js';

const released = JSON.parse(
  readFileSync(new URL('../../../spec/released/openapi.json', import.meta.url), 'utf8'),
);
const narrowed = edited(released, breakingEdits['narrowed enum (GpuType without T4)']);
const added = edited(released, additiveEdits['new optional request field (labels)']);

function input(document: unknown, overrides: Partial<GateInput> = {}): GateInput {
  return {
    packageName: '@sgi/spec',
    released: { document: released, version: '1.0.0' },
    current: { document, version: '1.0.0' },
    pendingBump: 'none',
    ...overrides,
  };
}

describe('runGate', () => {
  it('fails on a breaking change with no changeset, and says what to do', () => {
    const result = runGate(input(narrowed));
    expect(result.ok).toBe(false);
    expect(result.message).toContain(
      'breaking changes in the API description since the released @sgi/spec@1.0.0, but no pending changeset names it',
    );
    expect(result.message).toContain(
      '[Replaced] possible values of `initial_worker_config.initial_workers_gpu`',
    );
    expect(result.message).toContain('choose a major bump for @sgi/spec');
  });

  it.each(['patch', 'minor'] as const)('fails on a breaking change announced as %s', (bump) => {
    const result = runGate(input(narrowed, { pendingBump: bump }));
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`the pending changesets ask for ${bump}`);
  });

  it('passes a breaking change announced as major', () => {
    const result = runGate(input(narrowed, { pendingBump: 'major' }));
    expect(result).toMatchObject({ ok: true });
    expect(result.breaking.length).toBeGreaterThan(0);
    expect(result.message).toContain('announced as a major bump');
  });

  it('passes a breaking change once `changeset version` made it a new major version', () => {
    const result = runGate(input(narrowed, { current: { document: narrowed, version: '2.0.0' } }));
    expect(result.ok).toBe(true);
    expect(result.message).toContain('released as 2.0.0');
  });

  it('passes an additive change with no changeset at all', () => {
    expect(runGate(input(added))).toMatchObject({ ok: true, breaking: [] });
  });

  it('rejects a version that is not semver', () => {
    expect(() => runGate(input(narrowed, { current: { document: narrowed, version: 'next' } }))).toThrow(
      'Not a semver version: "next"',
    );
  });
});

describe('pendingBump', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function changesets(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'sgi-changesets-'));
    mkdirSync(join(dir, '.changeset'));
    writeFileSync(join(dir, '.changeset', 'README.md'), '# Changesets\n');
    writeFileSync(join(dir, '.changeset', 'config.json'), '{}\n');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, '.changeset', name), text);
    return dir;
  }

  it('is none without changesets', async () => {
    expect(await pendingBump(changesets({}), '@sgi/spec')).toBe('none');
  });

  it('takes the largest bump that names the package, and only that package', async () => {
    const root = changesets({
      'a.md': '---\n"@sgi/spec": patch\n"@sgi/client": major\n---\n\nFix a typo.\n',
      'b.md': "---\n'@sgi/spec': minor\n---\n\nAdd a field.\n",
    });
    expect(await pendingBump(root, '@sgi/spec')).toBe('minor');
    expect(await pendingBump(root, '@sgi/client')).toBe('major');
    expect(await pendingBump(root, '@sgi/mock')).toBe('none');
  });
});
