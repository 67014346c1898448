import { APIUserAbortError, DeploymentFailedError, WaitTimeoutError } from '../core/errors.js';
import type { Operation } from '../core/operation.js';
import { checkNumber, checkSettings, type RequestOptions } from '../core/options.js';
import { sleep } from '../core/retry.js';
import { attemptSignal, TIMEOUT } from '../core/signal.js';
import type { Send } from '../core/transport.js';
import type { InferenceDeployment } from '../types.js';
import type { WaitOptions } from './inference.js';

const name = 'inference.waitUntilReady';

/**
 * Polls `get` (through `send`) with a growing interval until deployment `id` is `ACTIVE`; see
 * `Inference.waitUntilReady` for the contract. Its options are checked before the first poll.
 */
export async function waitUntilReady(
  send: Send,
  get: Operation<unknown>,
  id: string,
  options: WaitOptions,
): Promise<InferenceDeployment> {
  const { timeout = 1_200_000, signal, onStatus, maxInterval = 15_000, interval: first, ...poll } = options;
  checkNumber(name, 'timeout', timeout);
  checkNumber(name, 'interval', first);
  checkNumber(name, 'maxInterval', maxInterval);
  checkSettings(name, poll);
  // One signal for the caller's abort and the deadline: a poll or a pause cut short by the
  // deadline is a WaitTimeoutError, by the caller an APIUserAbortError.
  const deadline = attemptSignal(signal, timeout);
  const pollOptions: RequestOptions = { ...poll, signal: deadline.signal };
  let interval = first ?? 2000;
  let last: InferenceDeployment | undefined;
  try {
    for (;;) {
      const d = (await send({ op: get, id, options: pollOptions })) as InferenceDeployment;
      if (d.status !== last?.status) onStatus?.(d.status, d);
      last = d;
      if (d.status === 'ACTIVE') return d;
      if (d.status === 'FAILED' || d.status === 'DELETING' || d.status === 'DELETED')
        throw new DeploymentFailedError(`${name}: deployment ${id} is ${d.status}`, d);
      await sleep(interval, deadline.signal, name);
      interval = Math.min(interval * 1.5, maxInterval);
    }
  } catch (e) {
    throw e instanceof APIUserAbortError && deadline.signal?.reason === TIMEOUT && !signal?.aborted
      ? new WaitTimeoutError(
          `${name}: deployment ${id} was ${last ? `still ${last.status}` : 'not read once'} after ${timeout} ms`,
          last,
        )
      : e;
  } finally {
    deadline.done();
  }
}
