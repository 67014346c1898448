import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  DeploymentFailedError,
  makeAPIError,
  ScaleGenError,
  WaitTimeoutError,
} from './errors.js';
import { sleep } from './retry.js';
import { attemptSignal, TIMEOUT, untilAborted } from './signal.js';

/**
 * What the code loaded on demand (`token-exchange.ts`, `resources/wait.ts`) uses of the core. Its
 * loader hands it over instead of that code importing it, so that the code imports nothing at run
 * time: a bundler then makes it a chunk of its own, without moving the core into a chunk shared by
 * both. The errors are the core's classes, so `instanceof` works as for any other error.
 */
export const shared = {
  ScaleGenError,
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  DeploymentFailedError,
  WaitTimeoutError,
  makeAPIError,
  attemptSignal,
  sleep,
  untilAborted,
  TIMEOUT,
};

/** The type of {@link shared}. */
export type Shared = typeof shared;
