#!/usr/bin/env node
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
// The API reports of the published packages, and the semver gate on them.
//
// For every published package of the workspace with TypeScript types, API Extractor writes a report of
// its public API (`<package>/api/<name>.api.md`); for every one with a command line, its flags and their
// defaults are reported from the flag definitions the program parses with (`<package>/api/<name>.flags.md`).
// The reports of the last release sit in `<package>/api/released/`. The check fails when a report is out
// of date (the build changed the API: run `pnpm api-report` and commit the reports, so that reviews see
// the change), and when an export, a member, a flag or a default of the last release is gone or changed
// while no pending changeset makes that package's next version a major one.
//
//   node packages/release-checks/api-report.mjs                    # the check (exit 1 on a problem)
//   node packages/release-checks/api-report.mjs --update           # rewrite the current reports
//   node packages/release-checks/api-report.mjs --record-release   # after publishing: the new baseline
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import readChangesets from '@changesets/read';
import { parse } from 'yaml';

/** The repository this file is in. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The module of each published command line that exports its flag definitions (`CLI_FLAGS`, in
 * `node:util` `parseArgs` form) and its `--help` text (`HELP`), and optionally `optionsFromArgs`.
 * A published package with a `bin` that is not named here fails the check: add it.
 */
export const FLAG_MODULES = { '@sgi/mock': 'dist/args.js', '@sgi/cli': 'dist/index.js' };

/** The workspace's packages, from `pnpm-workspace.yaml`: `{ dir, manifest }`, `dir` relative to `root`. */
export function workspacePackages(root = repoRoot) {
  const { packages } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  const dirs = packages.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((d) => `${parent}/${d}`) : [];
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }));
}

/** The `.d.ts` file of a manifest's main entry point (ES module types first), if it has types. */
export function typesEntry(manifest) {
  const main = manifest.exports?.['.'];
  const fromExports = typeof main === 'object' ? (main.import?.types ?? main.types) : undefined;
  return fromExports ?? manifest.types ?? manifest.typings;
}

/** The reports' base name of a package: `@sgi/client` -> `client`. */
const baseName = (name) => name.replace(/^@[^/]+\//, '');

/**
 * The published packages whose API is reported: `{ name, version, dir, types, flags, files }`, where
 * `files` are the report files (current and released) relative to the root.
 */
export function reportedPackages(root = repoRoot) {
  return workspacePackages(root)
    .filter((p) => !p.manifest.private)
    .map(({ dir, manifest }) => {
      const types = typesEntry(manifest);
      const flags = manifest.bin ? (FLAG_MODULES[manifest.name] ?? null) : undefined;
      const base = baseName(manifest.name);
      return {
        name: manifest.name,
        version: manifest.version,
        dir,
        types,
        flags,
        api: join(dir, 'api', `${base}.api.md`),
        flagsReport: join(dir, 'api', `${base}.flags.md`),
        released: join(dir, 'api', 'released'),
      };
    });
}

/** The `.d.ts`/`.d.cts`/`.d.mts` files under a folder. */
function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : declarationFiles(path);
    return /\.d\.[cm]?ts$/.test(entry.name) ? [path] : [];
  });
}

// Reports already made in this process, by the content of the declarations and manifest they read.
const reportCache = new Map();

/** Runs API Extractor on `<dir>/<entry>` and returns its API report (Markdown). */
export function apiReportText(dir, entry) {
  const hash = createHash('sha256').update(readFileSync(join(dir, 'package.json')));
  for (const file of declarationFiles(dirname(resolve(dir, entry))).sort()) {
    hash.update(file.slice(dir.length)).update(readFileSync(file));
  }
  const key = hash.digest('hex');
  if (!reportCache.has(key)) reportCache.set(key, extract(dir, entry));
  return reportCache.get(key);
}

function extract(dir, entry) {
  // Loaded when needed: a check of flags alone does not pay for it.
  const { Extractor, ExtractorConfig } = createRequire(import.meta.url)('@microsoft/api-extractor');
  const out = mkdtempSync(join(tmpdir(), 'sgi-api-report-'));
  try {
    const entryPath = resolve(dir, entry);
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: entryPath,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              strict: true,
              target: 'es2022',
              module: 'nodenext',
              moduleResolution: 'nodenext',
              skipLibCheck: true,
              // Node.js's globals (`NodeJS.ReadableStream`...) when the package's types use them.
              types: existsSync(join(dir, 'node_modules/@types/node')) ? ['node'] : [],
              typeRoots: [join(dir, 'node_modules/@types')],
            },
            files: [entryPath],
          },
        },
        apiReport: { enabled: true, reportFolder: out, reportTempFolder: out, reportFileName: 'report' },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
      },
      configObjectFullPath: join(dir, 'api-extractor.json'),
      packageJsonFullPath: join(dir, 'package.json'),
    });
    const errors = [];
    const result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback: (message) => {
        if (message.category === 'Compiler' && message.logLevel === 'error') errors.push(message.text);
        message.handled = true;
      },
    });
    if (errors.length > 0 || !existsSync(join(out, 'report.api.md'))) {
      throw new Error(
        `API Extractor could not read ${entryPath} (build the package first): ${errors.slice(0, 3).join('; ') || `${result.errorCount} errors`}`,
      );
    }
    return readFileSync(join(out, 'report.api.md'), 'utf8').replaceAll('\r\n', '\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `--max-body-bytes` -> `maxBodyBytes`. */
const camel = (flag) => flag.replace(/-(\w)/g, (_, c) => c.toUpperCase());

/** The text of `(default: ...)` in a line of help, its parentheses balanced, or undefined. */
function defaultIn(text) {
  const start = text.indexOf('(default: ');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return text.slice(start + '(default: '.length, i);
  }
  return undefined;
}

/** Each flag's help text, by flag name (`--no-x` counted as `x`), from a `--help` text. */
function helpByFlag(help) {
  const blocks = new Map();
  let current;
  for (const line of help.split('\n')) {
    const m = /^\s{1,4}(?:-\w, )?--([\w-]+)/.exec(line);
    if (m) {
      const name = m[1].startsWith('no-') && !blocks.has(m[1]) ? m[1].slice(3) : m[1];
      current = name;
      blocks.set(name, line.trim());
    } else if (current && /^\s{5,}\S/.test(line)) {
      blocks.set(current, `${blocks.get(current)} ${line.trim()}`);
    } else {
      current = undefined;
    }
  }
  return blocks;
}

const cell = (text) =>
  text === undefined || text === '' ? '' : `\`${String(text).replaceAll('|', '\\|')}\``;

/** A `parseArgs` command line's rows: `[flag, value, documented default, value when not given]`. */
function parseArgsRows(mod) {
  const help = helpByFlag(mod.HELP);
  let omitted = {};
  if (typeof mod.optionsFromArgs === 'function') {
    const options = mod.optionsFromArgs([], {});
    if (options && typeof options === 'object') omitted = options;
  }
  return Object.entries(mod.CLI_FLAGS).map(([flag, def]) => {
    const value = `${def.type}${def.multiple ? ', repeatable' : ''}${def.short ? `, -${def.short}` : ''}`;
    const documented = help.has(flag) ? defaultIn(help.get(flag)) : undefined;
    const used = def.default !== undefined ? def.default : omitted[camel(flag)];
    return [`--${flag}`, value, documented, used];
  });
}

/**
 * A commander program's rows: each command (its arguments as its value) and each of its options, with
 * the default its description states and commander's default value.
 */
function commanderRows(program, bin) {
  const rows = [];
  const walk = (command, path) => {
    const args = (command.registeredArguments ?? []).map((a) =>
      a.required ? `<${a.name()}>` : `[${a.name()}]`,
    );
    rows.push([path, `command${args.length ? ` ${args.join(' ')}` : ''}`, undefined, undefined]);
    for (const option of command.options) {
      const value = [
        option.required ? 'string' : option.optional ? 'optional string' : 'boolean',
        option.variadic ? 'repeatable' : '',
        option.negate ? 'negated' : '',
        option.short ? option.short : '',
        option.mandatory ? 'required' : '',
      ]
        .filter(Boolean)
        .join(', ');
      rows.push([
        `${path} ${option.long ?? option.short}`,
        value,
        defaultIn(option.description ?? ''),
        option.defaultValue,
      ]);
    }
    for (const sub of command.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, bin);
  return rows;
}

/**
 * The flags report of a command line from its flag module (see {@link FLAG_MODULES}): each flag (and,
 * for a program with commands, each command), the kind of value it takes, the default its help states,
 * and the value the program uses when it is not given. The module exports either `CLI_FLAGS` (the
 * `node:util` `parseArgs` definitions) and `HELP`, or `buildProgram` (a commander program).
 */
export async function flagsReportText(name, modulePath, bin) {
  const mod = await import(`${pathToFileURL(modulePath).href}?t=${Date.now()}`);
  let rows;
  if (mod.CLI_FLAGS && typeof mod.HELP === 'string') {
    rows = parseArgsRows(mod);
  } else if (typeof mod.buildProgram === 'function') {
    const sink = { write: () => true };
    const context = { out: { io: { stdout: sink, stderr: sink, stdin: undefined, env: {} } }, env: {} };
    rows = commanderRows(
      mod.buildProgram(context, () => {}),
      bin,
    );
  } else {
    throw new Error(
      `${modulePath} must export CLI_FLAGS and HELP (parseArgs definitions and the --help text) or buildProgram (a commander program)`,
    );
  }
  const lines = rows
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([flag, value, documented, used]) =>
        `| \`${flag}\` | ${value} | ${cell(documented)} | ${used === undefined ? '' : cell(JSON.stringify(used))} |`,
    );
  return [
    `## Command-line flags of "${name}" (\`${bin}\`)`,
    '',
    '> Do not edit this file. It is generated from the flag definitions and the `--help` text by `pnpm api-report`.',
    '',
    '| flag | value | default (as `--help` states it) | value when not given |',
    '| --- | --- | --- | --- |',
    ...lines,
    '',
  ].join('\n');
}

/** The current reports of a package, built from its `dist`: `{ api?, flags? }` (Markdown texts). */
export async function currentReports(pkg, root = repoRoot) {
  const dir = join(root, pkg.dir);
  const reports = {};
  if (pkg.types) {
    if (!existsSync(join(dir, pkg.types))) {
      throw new Error(`${pkg.name}: ${join(pkg.dir, pkg.types)} is missing: run \`pnpm build\` first`);
    }
    reports.api = apiReportText(dir, pkg.types);
  }
  if (pkg.flags) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const bin = typeof manifest.bin === 'string' ? baseName(manifest.name) : Object.keys(manifest.bin)[0];
    reports.flags = await flagsReportText(pkg.name, join(dir, pkg.flags), bin);
  }
  return reports;
}

/** Names that a bundler made unique (`FieldError$1`, `FieldError_2`) read as the name itself. */
const unsuffixed = (line) => line.replace(/\b([A-Za-z]\w*?)(?:\$\d+|_\d+)\b/g, '$1');

/**
 * An API report read as declarations: a map from each declared name to its lines, each line prefixed
 * with the declaration's name and the lines that open the blocks it is in, so that the same member in
 * two places is two entries. An interface's header is read as one entry per interface it extends, and
 * the members of an interface it extends that the report holds count as its own: moving members into
 * a base interface changes nothing. A multi-line signature is one line. Comments (release tags, API
 * Extractor's warnings) and imports are left out; names a bundler made unique lose their suffix.
 */
export function parseApiReport(text) {
  const start = text.indexOf('```ts\n');
  const end = text.lastIndexOf('```');
  const code = start >= 0 && end > start ? text.slice(start + 6, end) : text;
  const declarations = new Map();
  const bases = new Map();
  for (const chunk of code.split(/\n\s*\n/)) {
    const raw = chunk.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    if (raw.length === 0 || /^import\b/.test(raw[0])) continue;
    // Join a signature that API Extractor wrapped (a line ending in `(` or `,`) with what follows.
    const lines = [];
    for (const line of raw.map(unsuffixed)) {
      const last = lines[lines.length - 1];
      if (last !== undefined && /[(,]$/.test(last.trim()))
        lines[lines.length - 1] = `${last}${last.trim().endsWith('(') ? '' : ' '}${line.trim()}`;
      else lines.push(line);
    }
    const m =
      /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(class|interface|type|function|const|let|var|enum|namespace)\s+([\w$]+)(.*)$/.exec(
        lines[0],
      );
    // A declaration the report holds only because the API uses it (API Extractor's `ae-forgotten-export`)
    // is not exported: a type that stops being exported is a removed export.
    const key = m ? `${m[2]}${/^export\b/.test(lines[0]) ? '' : ' (not exported)'}` : lines[0].trim();
    const keyed = declarations.get(key) ?? [];
    const open = [];
    lines.forEach((line, i) => {
      const indent = line.length - line.trimStart().length;
      while (open.length > 0 && open[open.length - 1].indent >= indent) open.pop();
      const trimmed = line.trim();
      if (i === 0 && m?.[1] === 'interface') {
        const extended = /\bextends\s+(.*?)\s*\{/.exec(m[3])?.[1];
        const list = extended ? extended.split(/,(?![^<]*>)/).map((b) => b.trim()) : [];
        bases.set(key, list);
        keyed.push(
          `${key}: interface${m[3].replace(/\s*extends\s+.*?\{/, ' {').trimEnd() === ' {' ? '' : ` ${m[3].trim()}`}`,
        );
        for (const base of list) keyed.push(`${key}: extends ${base}`);
      } else {
        keyed.push(`${key}: ${[...open.map((o) => o.text).filter(Boolean), trimmed].join(' > ')}`);
      }
      if (/[{(<[]$/.test(trimmed)) open.push({ indent, text: i === 0 ? '' : trimmed });
    });
    declarations.set(key, keyed);
  }
  // Members inherited from an interface of the report count as the interface's own.
  const flattened = new Map();
  const membersOf = (key, seen = new Set()) => {
    if (flattened.has(key)) return flattened.get(key);
    const own = declarations.get(key) ?? [];
    const all = [...own];
    for (const base of bases.get(key) ?? []) {
      if (seen.has(base) || !bases.has(base)) continue;
      for (const line of membersOf(base, new Set([...seen, key]))) {
        const member = line.slice(base.length + 1);
        if (!member.startsWith(' interface') && !member.startsWith(' extends ')) all.push(`${key}:${member}`);
      }
    }
    flattened.set(key, all);
    return all;
  };
  return new Map([...declarations.keys()].map((key) => [key, membersOf(key)]));
}

/**
 * What breaks code written against the released API: each declaration that is gone, and each line of
 * a declaration that is gone or changed (a member removed, a type narrowed or changed, a parameter
 * added...). Lines only added (a new export, a new optional member) are not breaking. A change that
 * only widens a type also changes its line: it counts as breaking too, the safe side.
 */
export function apiBreaks(releasedText, currentText) {
  const released = parseApiReport(releasedText);
  const current = parseApiReport(currentText);
  const removed = [];
  const changed = [];
  for (const [key, lines] of released) {
    const now = current.get(key);
    if (!now) {
      if (!key.endsWith(' (not exported)')) removed.push(`${key} is no longer exported`);
      continue;
    }
    const kept = new Set(now);
    const gone = lines.filter((l) => !kept.has(l) && !/^[})\]>;,\s]+$/.test(l.split(' > ').pop()));
    for (const line of gone) changed.push(`\`${line}\` is gone or changed`);
  }
  return [...removed, ...changed];
}

/** A flags report read back: flag -> `{ value, documented, used }`. */
export function parseFlagsReport(text) {
  const flags = new Map();
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]*) \| ((?:[^|\\]|\\\|)*) \| ((?:[^|\\]|\\\|)*) \|$/.exec(line);
    if (m) flags.set(m[1], { value: m[2].trim(), documented: m[3].trim(), used: m[4].trim() });
  }
  return flags;
}

/** What breaks a command line written against the released flags: a flag gone, its value or a default changed. */
export function flagBreaks(releasedText, currentText) {
  const released = parseFlagsReport(releasedText);
  const current = parseFlagsReport(currentText);
  const breaks = [];
  for (const [flag, before] of released) {
    const now = current.get(flag);
    if (!now) {
      breaks.push(`${flag} was removed`);
      continue;
    }
    if (now.value !== before.value) breaks.push(`${flag} takes ${now.value} instead of ${before.value}`);
    if (now.documented !== before.documented)
      breaks.push(
        `${flag}: its default changed from ${before.documented || 'none'} to ${now.documented || 'none'}`,
      );
    if (before.used && now.used !== before.used)
      breaks.push(`${flag}: its value when not given changed from ${before.used} to ${now.used || 'none'}`);
  }
  return breaks;
}

const ORDER = ['none', 'patch', 'minor', 'major'];

/** The largest bump the pending changesets ask for each package. */
export async function pendingBumps(root = repoRoot) {
  const bumps = {};
  for (const changeset of await readChangesets(root)) {
    for (const { name, type } of changeset.releases) {
      if (ORDER.indexOf(type) > ORDER.indexOf(bumps[name] ?? 'none')) bumps[name] = type;
    }
  }
  return bumps;
}

const majorOf = (version) => Number(/^(\d+)\./.exec(String(version))?.[1] ?? Number.NaN);
const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/**
 * The check: `{ ok, problems, notes }`. A problem is an out-of-date or missing report, a command line
 * without a flags report, or a breaking change against the released reports in a package whose next
 * version is not a new major (no pending `major` changeset, version not already bumped).
 */
export async function checkReports(root = repoRoot) {
  const problems = [];
  const notes = [];
  const bumps = await pendingBumps(root);
  for (const pkg of reportedPackages(root)) {
    if (pkg.flags === null) {
      problems.push(
        `${pkg.name} has a command line (bin) but no flags report: export its flag definitions and name the module in FLAG_MODULES (packages/release-checks/api-report.mjs)`,
      );
    }
    const reports = await currentReports(pkg, root);
    const kinds = [
      ['api', pkg.api, apiBreaks],
      ['flags', pkg.flagsReport, flagBreaks],
    ];
    const releaseFile = join(root, pkg.released, 'release.json');
    const release = existsSync(releaseFile) ? JSON.parse(readFileSync(releaseFile, 'utf8')) : undefined;
    const breaks = [];
    for (const [kind, file, compare] of kinds) {
      const text = reports[kind];
      if (text === undefined) continue;
      const checkedIn = read(join(root, file));
      if (checkedIn !== text) {
        problems.push(
          `${file} ${checkedIn === undefined ? 'is missing' : 'is out of date'}: the built ${pkg.name} has another ${kind === 'api' ? 'API' : 'set of flags'}. Run \`pnpm api-report\` and commit the report.`,
        );
      }
      const released = read(join(root, pkg.released, basename(file)));
      if (released === undefined) {
        notes.push(`${pkg.name}: no released ${kind} report yet (${join(pkg.released, basename(file))})`);
        continue;
      }
      breaks.push(...compare(released, text));
    }
    if (breaks.length === 0) {
      if (release) notes.push(`${pkg.name}: nothing breaking since ${release.version}`);
      continue;
    }
    const since = release?.version ?? '?';
    const bump = bumps[pkg.name] ?? 'none';
    const list = breaks.slice(0, 25).map((b) => `  - ${b}`);
    if (breaks.length > 25) list.push(`  - ... and ${breaks.length - 25} more`);
    if (bump === 'major' || majorOf(pkg.version) > majorOf(since)) {
      notes.push(
        `${pkg.name}: ${breaks.length} breaking changes since ${since}, released as a major version (${bump === 'major' ? 'a pending changeset asks for major' : `version ${pkg.version}`}):\n${list.join('\n')}`,
      );
    } else {
      problems.push(
        `${pkg.name}: ${breaks.length} breaking changes since the released ${pkg.name}@${since}, but the pending changesets ask for ${bump}:\n${list.join('\n')}\nEither undo them, or run \`pnpm changeset\` and choose a major bump for ${pkg.name} (say what users must change).`,
      );
    }
  }
  return { ok: problems.length === 0, problems, notes };
}

/** Writes every package's current reports. Returns the files written. */
export async function updateReports(root = repoRoot) {
  const written = [];
  for (const pkg of reportedPackages(root)) {
    const reports = await currentReports(pkg, root);
    for (const [text, file] of [
      [reports.api, pkg.api],
      [reports.flags, pkg.flagsReport],
    ]) {
      if (text === undefined) continue;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      if (read(join(root, file)) !== text) {
        writeFileSync(join(root, file), text);
        written.push(file);
      }
    }
  }
  return written;
}

/**
 * After publishing: each package whose version is not the recorded one gets its current reports copied
 * to `api/released/`, with `release.json` naming the version. Returns the packages recorded.
 */
export function recordRelease(root = repoRoot) {
  const recorded = [];
  for (const pkg of reportedPackages(root)) {
    const dir = join(root, pkg.released);
    const releaseFile = join(dir, 'release.json');
    const release = existsSync(releaseFile) ? JSON.parse(readFileSync(releaseFile, 'utf8')) : undefined;
    if (release?.version === pkg.version) continue;
    mkdirSync(dir, { recursive: true });
    for (const file of [pkg.api, pkg.flagsReport]) {
      if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dir, basename(file)));
    }
    writeFileSync(releaseFile, `${JSON.stringify({ package: pkg.name, version: pkg.version }, null, 2)}\n`);
    recorded.push(`${pkg.name}@${pkg.version}`);
  }
  return recorded;
}

async function main(args) {
  const root = process.env.SGI_REPO_ROOT ? resolve(process.env.SGI_REPO_ROOT) : repoRoot;
  if (args.includes('--update')) {
    const written = await updateReports(root);
    console.log(
      written.length ? `API reports written: ${written.join(', ')}` : 'API reports are up to date.',
    );
    return 0;
  }
  if (args.includes('--record-release')) {
    const recorded = recordRelease(root);
    console.log(
      recorded.length ? `Recorded the API reports of ${recorded.join(', ')}.` : 'Nothing to record.',
    );
    return 0;
  }
  if (args.length > 0) {
    console.error(`Unknown argument ${args[0]}. Usage: api-report.mjs [--update | --record-release]`);
    return 2;
  }
  const result = await checkReports(root);
  for (const note of result.notes) console.log(note);
  for (const problem of result.problems) console.error(problem);
  return result.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`API reports: ${error.message}`);
      process.exitCode = 2;
    },
  );
}
