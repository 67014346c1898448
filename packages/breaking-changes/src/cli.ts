#!/usr/bin/env node
/**
 * `sgi-breaking-changes`: runs the breaking-change gate on this repository (exit code 1 on an unannounced
 * breaking change in any of the spec's documents). `sgi-breaking-changes --record-release` stores the
 * current bundles as the released ones.
 */
import { runGate } from './gate.js';
import { readGateInputs, recordRelease, repoLayout } from './repo.js';

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--record-release');
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown[0]}. Usage: sgi-breaking-changes [--record-release]`);
    return 2;
  }
  const layout = repoLayout();
  if (args.includes('--record-release')) {
    const { version, recorded } = recordRelease(layout);
    console.log(
      recorded
        ? `Recorded the current bundles as the released API and endpoint descriptions of version ${version}.`
        : `Version ${version} is already the recorded release: nothing to record.`,
    );
    return 0;
  }
  let ok = true;
  for (const input of await readGateInputs(layout)) {
    const result = runGate(input);
    (result.ok ? console.log : console.error)(result.message);
    ok &&= result.ok;
  }
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`Breaking-change gate: ${error.message}`);
    process.exitCode = 2;
  },
);
