/**
 * Loaded with `node --import` into the programs that a guarded test starts (through `NODE_OPTIONS`), so
 * that a child process cannot reach beyond loopback either; it reports refused attempts to the file named
 * by `SGI_NETWORK_GUARD_LOG`, which the test's own guard reads.
 */
import { installNetworkGuard } from './guard.js';

installNetworkGuard();
