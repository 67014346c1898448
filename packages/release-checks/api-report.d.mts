/** The repository this file is in. */
export declare const repoRoot: string;
/** The module of each published command line that exports its flag definitions and `--help` text. */
export declare const FLAG_MODULES: Record<string, string>;
/** A workspace package: its folder (relative to the root) and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: { name: string; version: string; private?: boolean; [key: string]: unknown };
}
/** A published package whose API is reported, with its report files (relative to the root). */
export interface ReportedPackage {
  name: string;
  version: string;
  dir: string;
  types: string | undefined;
  /** The flag module; `undefined` without a command line, `null` for a command line without one. */
  flags: string | null | undefined;
  api: string;
  flagsReport: string;
  released: string;
}
/** The workspace's packages, from `pnpm-workspace.yaml`. */
export declare function workspacePackages(root?: string): WorkspacePackage[];
/** The `.d.ts` file of a manifest's main entry point, if it has types. */
export declare function typesEntry(manifest: Record<string, unknown>): string | undefined;
/** The published packages whose API is reported. */
export declare function reportedPackages(root?: string): ReportedPackage[];
/** Runs API Extractor on `<dir>/<entry>` and returns its API report (Markdown). */
export declare function apiReportText(dir: string, entry: string): string;
/** The flags report of a command line from its flag module. */
export declare function flagsReportText(name: string, modulePath: string, bin: string): Promise<string>;
/** The current reports of a package, built from its `dist`. */
export declare function currentReports(
  pkg: ReportedPackage,
  root?: string,
): Promise<{ api?: string; flags?: string }>;
/** An API report read as declarations: each declared name and its keyed lines. */
export declare function parseApiReport(text: string): Map<string, string[]>;
/** What breaks code written against the released API report. */
export declare function apiBreaks(releasedText: string, currentText: string): string[];
/** A flags report read back. */
export declare function parseFlagsReport(
  text: string,
): Map<string, { value: string; documented: string; used: string }>;
/** What breaks a command line written against the released flags. */
export declare function flagBreaks(releasedText: string, currentText: string): string[];
/** The largest bump the pending changesets ask for each package. */
export declare function pendingBumps(root?: string): Promise<Record<string, string>>;
/** The check: up-to-date reports, and no unannounced breaking change. */
export declare function checkReports(
  root?: string,
): Promise<{ ok: boolean; problems: string[]; notes: string[] }>;
/** Writes every package's current reports; returns the files written. */
export declare function updateReports(root?: string): Promise<string[]>;
/** After publishing: records the current reports of each newly released package. */
export declare function recordRelease(root?: string): string[];
