/** What every benchmark suite receives. */

/** The run's settings, passed to each suite. */
export interface SuiteContext {
  /** The workspace root. */
  root: string;
  /** A short run (few rounds) to check that the harness works; its figures are not worth reporting. */
  quick: boolean;
  /** Progress lines go here (stderr), so the report stays on disk only. */
  log: (line: string) => void;
  /** The Chromium binary the docs benchmark launches (default: `@sgi/testing`'s, `CHROMIUM_PATH`). */
  chromiumPath?: string;
}
