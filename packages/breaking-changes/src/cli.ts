#!/usr/bin/env node
/**
 * `sgi-breaking-changes`: runs the breaking-change gate on this repository (exit code 1 on an unannounced
 * breaking change). `sgi-breaking-changes --record-release` stores the current bundle as the released one.
 */
import { runGate } from './gate.js';
import { readGateInput, recordRelease, repoLayout } from './repo.js';

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
        ? `Recorded the current bundle as the released API description of version ${version}.`
        : `Version ${version} is already the recorded release: nothing to record.`,
    );
    return 0;
  }
  const result = runGate(await readGateInput(layout));
  (result.ok ? console.log : console.error)(result.message);
  return result.ok ? 0 : 1;
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
