/** The changelog text with every undated version heading dated `date`. */
export declare function dated(text: string, date: string): string;
/** Dates the changelogs of the published packages under `root`; returns the files changed. */
export declare function dateChangelogs(root: string, date?: string): string[];
