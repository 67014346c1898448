/**
 * Debian's Chromium, the only browser the tests and benchmarks use (never a downloaded one);
 * `CHROMIUM_PATH` points elsewhere.
 */
export const chromiumPath: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium that sends nothing beyond loopback: no background traffic of its own
 * (component updates, sync, first-run pings) and a resolver that answers nothing but loopback, so that
 * no DNS query leaves the machine (Chromium resolves outside Node, where the network guard cannot see).
 */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
