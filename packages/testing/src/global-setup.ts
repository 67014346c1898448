/**
 * A vitest global setup module (`test.globalSetup`, listed first): guards the main vitest process and the
 * programs its other global setups start (a mock server, say), and fails the run if any of them tried to
 * reach beyond loopback. Pair it with the `@sgi/testing/network-guard` setup file for the tests themselves.
 */
import { assertNoBlockedConnections, guardChildProcesses, installNetworkGuard } from './guard.js';

/** Installs the guard in the main process and its future child processes. */
export function setup(): void {
  installNetworkGuard();
  guardChildProcesses();
}

/** Fails the run if anything was refused outside the tests (in a global setup or a program it started). */
export function teardown(): void {
  try {
    assertNoBlockedConnections('the test run (global setup or a program it started)');
  } catch (error) {
    // vitest reports an error thrown in a teardown but keeps its exit code: set it here.
    process.exitCode = 1;
    throw error;
  }
}
