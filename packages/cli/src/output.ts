import Table from 'cli-table3';
import { createSpinner } from 'nanospinner';
import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types.js';

/** A stream `sgi` writes to: `process.stdout`, `process.stderr`, or a test's stand-in. */
export interface OutStream {
  write(chunk: string): unknown;
  /** True on a terminal (Node sets it on `process.stdout` and `process.stderr`). */
  isTTY?: boolean;
  /** Width of the terminal, when there is one. */
  columns?: number;
}

/** A stream `sgi` reads answers to its questions from: `process.stdin`, or a test's stand-in. */
export interface InStream extends NodeJS.ReadableStream {
  /** True on a terminal. */
  isTTY?: boolean;
}

/** Where a run of `sgi` reads and writes, and its environment. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Record<string, string | undefined>;
}

/**
 * Whether to use colour (and a spinner) on a stream: only on a terminal, and never when `NO_COLOR`
 * is set to anything non-empty (https://no-color.org) or `TERM` is `dumb`. `FORCE_COLOR` (not `0`)
 * forces colour on, for people who pipe into a pager that understands it.
 */
export function colourOn(stream: OutStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Colours that are all off (`--plain`). */
export const NO_COLOURS: Colors = picocolors.createColors(false);

/** A spinner, or nothing, with the same three calls. */
export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

/**
 * How a command prints: data on standard output (a table, a panel, or one JSON document with
 * `--json`), everything else (notices, warnings, progress, errors) on standard error, so that
 * `sgi ... --json | jq` always reads one document.
 */
export class Output {
  /** Colours for standard output (all identity functions when off). */
  readonly out: Colors;
  /** Colours for standard error. */
  readonly err: Colors;
  /** Whether standard error shows a spinner. */
  readonly animated: boolean;

  /** @param io where to write; @param json whether the command was given `--json`. */
  constructor(
    readonly io: CliIO,
    readonly json: boolean,
  ) {
    this.out = picocolors.createColors(!json && colourOn(io.stdout, io.env));
    this.err = picocolors.createColors(colourOn(io.stderr, io.env));
    // A terminal of unknown width (0 columns) gets lines, not a spinner, which could not redraw itself.
    this.animated =
      !json && colourOn(io.stderr, io.env) && io.stderr.isTTY === true && (io.stderr.columns ?? 0) > 0;
  }

  /** Prints data: a line (or lines) of text on standard output. */
  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints one JSON document on standard output. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line for people on standard error (silent with `--json`, which promises nothing but the document). */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }

  /** A warning on standard error, also with `--json`: it matters to whoever runs the script. */
  warn(text: string): void {
    this.io.stderr.write(`${this.err.yellow('warning:')} ${text}\n`);
  }

  /** A table: bordered on a terminal, plain aligned columns when piped or `plain`. */
  table(head: string[], rows: string[][], plain: boolean): string {
    if (plain || !colourOn(this.io.stdout, this.io.env)) {
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd();
      return [line(head.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n');
    }
    const table = new Table({
      head: head.map((h) => this.out.bold(h)),
      style: { head: [], border: [] },
    });
    table.push(...rows);
    return table.toString();
  }

  /**
   * Progress on standard error: a spinner on a terminal, one line per change otherwise (none with
   * `--json`).
   */
  progress(text: string): Progress {
    if (this.animated) {
      const spinner = createSpinner(text, { stream: this.io.stderr as NodeJS.WriteStream }).start();
      return {
        update: (t) => void spinner.update({ text: t }),
        succeed: (t) => void spinner.success({ text: t }),
        fail: (t) => void spinner.error({ text: t }),
      };
    }
    this.note(text);
    let last = text;
    const line = (t: string) => {
      if (t !== last) this.note(t);
      last = t;
    };
    return { update: line, succeed: line, fail: line };
  }
}

/** Status in colour: green when serving, yellow on the way, red when failed, dim when stopped. */
export function statusColour(c: Colors, status: string): string {
  switch (status) {
    case 'ACTIVE':
      return c.green(status);
    case 'PROVISIONING':
    case 'DELETING':
      return c.yellow(status);
    case 'FAILED':
      return c.red(status);
    case 'INACTIVE':
    case 'DELETED':
      return c.dim(status);
    default:
      return status;
  }
}
