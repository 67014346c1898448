import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.js';
import type { Output } from './output.js';

/**
 * Asks before a command that costs money or destroys something. With `--yes`: no question. On a
 * terminal: a `[y/N]` question on standard error (anything but `y`/`yes` refuses). When standard
 * input is not a terminal (a script, CI, a pipe): no question is asked, and the command is refused
 * with a usage error (exit code 2) that says to pass `--yes`, so that a script never hangs on a
 * prompt nor does something costly that nobody confirmed.
 */
export async function confirm(out: Output, question: string, yes: boolean, action: string): Promise<void> {
  if (yes) return;
  const { stdin, stderr } = out.io;
  if (stdin.isTTY !== true) {
    throw new UsageError(
      `${action}: refused without --yes, because standard input is not a terminal and nobody can confirm`,
      ['Pass --yes to confirm in a script.'],
    );
  }
  const rl = createInterface({ input: stdin, output: stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await rl.question(`${question} ${out.err.dim('[y/N]')} `);
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new UsageError(`${action}: cancelled; nothing was changed`);
  } finally {
    rl.close();
  }
}
