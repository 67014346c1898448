/**
 * A vitest setup file (`test.setupFiles`): installs the network guard in every test worker and in every
 * Node.js program a test starts, and fails the test during which anything tried to reach beyond loopback,
 * even when the code under test swallowed the refused connection.
 */
import { afterAll, afterEach } from 'vitest';
import { assertNoBlockedConnections, guardChildProcesses, installNetworkGuard } from './guard.js';

installNetworkGuard();
guardChildProcesses();

afterEach((context) => assertNoBlockedConnections(`the test "${context.task.name}"`));
afterAll(() => assertNoBlockedConnections('this test file (outside its tests)'));
