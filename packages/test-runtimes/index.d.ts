/** A runtime the consumer tests run the published packages on. */
export interface Runtime {
  /** `node22`, `node24`, `node26`, `bun` or `deno`. */
  name: string;
  /** The optional dependency that ships it. */
  package: string;
  /** Its version, when installed. */
  version: string | undefined;
  /** Whether its binary is installed here (Linux x64 only). */
  available: boolean;
  /** The binary's path. */
  binary: string;
  /** The binary and the arguments that run `script` with it. */
  command(script: string): [string, string[]];
}
/** The runtimes, with where their binaries are. */
export declare function runtimes(): Runtime[];
