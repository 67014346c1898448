/** One package of a release: its version before and after, and its git tag. */
export interface PlannedRelease {
  name: string;
  from: string;
  to: string;
  tag: string;
}
/** What `pnpm version-packages` then `pnpm release` would publish, computed offline on a copy. */
export declare function releasePlan(root: string): PlannedRelease[];
