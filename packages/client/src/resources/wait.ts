import type { Operation } from '../core/operation.js';
import type { RequestOptions } from '../core/options.js';
import type { Shared } from '../core/shared.js';
import type { Send } from '../core/transport.js';
import type { InferenceDeployment } from '../types.js';
import type { WaitOptions } from './inference.js';

// `Inference.waitUntilReady`, loaded on its first use: a wait lasts minutes, and many apps never
// wait. It imports nothing at run time (see `core/shared.ts`).

/**
 * Polls `get` (through `send`) with a growing interval until deployment `id` is `ACTIVE`; see
 * `Inference.waitUntilReady` for the contract.
 */
export async function waitUntilReady(
  core: Shared,
  send: Send,
  get: Operation<unknown>,
  id: string,
  options: WaitOptions,
): Promise<InferenceDeployment> {
  const { timeout = 1_200_000, signal, onStatus, maxInterval = 15_000, interval: first, ...poll } = options;
  const name = 'inference.waitUntilReady';
  // One signal for the caller's abort and the deadline: a poll or a pause cut short by the
  // deadline is a WaitTimeoutError, by the caller an APIUserAbortError.
  const deadline = core.attemptSignal(signal, timeout);
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
        throw new core.DeploymentFailedError(`${name}: deployment ${id} is ${d.status}`, d);
      await core.sleep(interval, deadline.signal, name);
      interval = Math.min(interval * 1.5, maxInterval);
    }
  } catch (e) {
    throw e instanceof core.APIUserAbortError && deadline.signal?.reason === core.TIMEOUT && !signal?.aborted
      ? new core.WaitTimeoutError(
          `${name}: deployment ${id} was ${last ? `still ${last.status}` : 'not read once'} after ${timeout} ms`,
          last,
        )
      : e;
  } finally {
    deadline.done();
  }
}
