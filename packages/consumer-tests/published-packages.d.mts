/** The repository's root folder. */
export declare const repoRoot: string;
/** What the consumer project installs next to the tarballs. */
export declare const extraDependencies: Record<string, string>;
/** A published package of the workspace. */
export interface PublishedPackage {
  name: string;
  version: string;
  dir: string;
  dependencies: Record<string, string>;
}
/** The published packages (the workspace's non-private ones), found by their folders. */
export declare function publishedPackages(): PublishedPackage[];
/** The registry dependencies of the tarballs (the published packages' own links left out) plus the extras. */
export declare function registryDependencies(): Record<string, string>;
