export { chromiumArgs, chromiumPath } from './chromium.js';
export {
  assertNoBlockedConnections,
  type BlockedConnection,
  guardChildProcesses,
  installNetworkGuard,
  isLoopbackHost,
  NetworkGuardError,
  networkGuardLogEnv,
  takeBlockedConnections,
} from './guard.js';
export { freePort } from './ports.js';
export {
  RedisServerMissingError,
  redisServerPath,
  type StartRedisOptions,
  startRedis,
  type TestRedis,
} from './redis.js';
