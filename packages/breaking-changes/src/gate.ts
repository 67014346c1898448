import type { Bump } from './changesets.js';
import { type BreakingChange, findBreakingChanges } from './diff.js';

/** What the gate compares. */
export interface GateInput {
  /** The package whose bundle this is (`@sgi/spec`), as changesets name it. */
  packageName: string;
  /** What the document describes, as the messages name it: "the API description" unless given. */
  title?: string;
  /** The last released bundle and its package version. */
  released: { document: unknown; version: string };
  /** The bundle built from the working tree and the package's current version. */
  current: { document: unknown; version: string };
  /** The bump the pending changesets ask for the package. */
  pendingBump: Bump;
}

/** The gate's verdict. */
export interface GateResult {
  ok: boolean;
  breaking: BreakingChange[];
  /** One paragraph for a person: what was found and, on failure, what to do. */
  message: string;
}

function major(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`Not a semver version: ${JSON.stringify(version)}`);
  return Number(m[1]);
}

/** How many breaking changes the failure message lists before it summarises the rest. */
const LISTED = 25;

/**
 * The breaking-change gate: passes when the current bundle has no breaking change against the released
 * one, or when it has some and the release they go out in is a major one, either announced by a pending
 * changeset (`"<package>": major`) or already applied to the package's version by `changeset version`.
 */
export function runGate(input: GateInput): GateResult {
  const { packageName, released, current, pendingBump, title = 'the API description' } = input;
  const breaking = findBreakingChanges(released.document, current.document);
  const since = `since the released ${packageName}@${released.version}`;
  if (breaking.length === 0) {
    return { ok: true, breaking, message: `No breaking change in ${title} ${since}.` };
  }
  const count = `${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} in ${title} ${since}`;
  if (major(current.version) > major(released.version)) {
    return { ok: true, breaking, message: `${count}, released as ${current.version} (a major version).` };
  }
  if (pendingBump === 'major') {
    return { ok: true, breaking, message: `${count}, announced as a major bump by a pending changeset.` };
  }
  const listed = breaking.slice(0, LISTED).map((b) => `  - ${b.pointer}: ${b.description} [${b.rule}]`);
  if (breaking.length > LISTED) listed.push(`  ... and ${breaking.length - LISTED} more`);
  const asked =
    pendingBump === 'none'
      ? 'no pending changeset names it'
      : `the pending changesets ask for ${pendingBump}`;
  return {
    ok: false,
    breaking,
    message: [
      `${count}, but ${asked}:`,
      ...listed,
      `Either undo the change, or announce it: run \`pnpm changeset\` and choose a major bump for ${packageName}`,
      `(a .changeset/*.md file with \`"${packageName}": major\`). What counts as breaking: RELEASING.md.`,
    ].join('\n'),
  };
}
