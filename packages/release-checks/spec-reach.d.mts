/** The published packages built from the spec that changesets will not release by itself with it. */
export declare function builtFromSpec(root: string): string[];
/** The problems with the pending changesets: a package built from the spec left out of a spec release. */
export declare function specReachProblems(root: string): Promise<string[]>;
