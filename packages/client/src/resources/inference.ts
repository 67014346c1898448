import { DeploymentFailedError, WaitTimeoutError } from '../core/errors.js';
import type { Operation, RequestOptions, Send, WithResponse } from '../core/request.js';
import { sleep } from '../core/retry.js';
import type {
  CreatedDeployment,
  DeploymentStatus,
  InferenceDeployment,
  InferenceDeploymentCreate,
} from '../types.js';

const CREATE: Operation = { name: 'inference.create', method: 'POST', path: '/sg_inf/create', safe: false };
const LIST: Operation = {
  name: 'inference.list',
  method: 'GET',
  path: '/sg_inf/list',
  safe: true,
  empty: 'list',
};
const GET: Operation = {
  name: 'inference.get',
  method: 'GET',
  path: '/sg_inf/',
  safe: true,
  empty: 'notFound',
};
const DELETE: Operation = {
  name: 'inference.delete',
  method: 'DELETE',
  path: '/sg_inf/',
  safe: false,
  empty: 'notFound',
};
const START: Operation = {
  name: 'inference.start',
  method: 'POST',
  path: '/sg_inf/',
  suffix: '/scale/up',
  safe: false,
  empty: 'notFound',
};
const STOP: Operation = {
  name: 'inference.stop',
  method: 'POST',
  path: '/sg_inf/',
  suffix: '/scale/zero',
  safe: false,
  empty: 'notFound',
};

/** What a method resolves with: the result, or with `withResponse` the result and its `Response`. */
export type Result<Full extends boolean, T> = Promise<Full extends true ? WithResponse<T> : T>;

/** Options of `delete` and `stop`. */
export interface ForceParams {
  /** Do not wait for in-flight requests to finish. */
  force?: boolean;
}

/** Options of {@link Inference.waitUntilReady}. */
export interface WaitOptions {
  /** Give up after this many ms, with `WaitTimeoutError` (default 20 minutes). */
  timeout?: number;
  /** Stops waiting at once, with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Called with each status seen, when it differs from the previous one. */
  onStatus?: (status: DeploymentStatus, deployment: InferenceDeployment) => void;
  /** First delay between two polls, in ms (default 2000); it grows by half each time, up to `maxInterval`. */
  interval?: number;
  /** Longest delay between two polls, in ms (default 15000). */
  maxInterval?: number;
}

const force = (p: ForceParams | undefined) => (p?.force === undefined ? '' : `?force=${p.force}`);

/**
 * Inference deployments: a model served on autoscaled GPU workers behind one endpoint (`link`).
 * Every method resolves with the unwrapped `message` of the API's answer; `withResponse` has the
 * same methods, resolving with `{ data, response, requestId }`.
 */
export class Inference<Full extends boolean = false> {
  /** The same methods, resolving with `{ data, response, requestId }` instead of the result alone. */
  readonly withResponse: Inference<true>;

  /** @internal Built once by `createClient`. */
  constructor(
    private readonly _send: Send,
    private readonly _full: Full,
  ) {
    this.withResponse = _full ? (this as Inference<true>) : new Inference(_send, true);
  }

  /**
   * Creates a deployment (it starts `PROVISIONING`) and resolves with `{ inf_id }`. Starts paid GPUs:
   * retried only when the API cannot have processed the request (see the README's retry policy).
   */
  create(body: InferenceDeploymentCreate, options?: RequestOptions): Result<Full, CreatedDeployment> {
    return this._send(CREATE, undefined, '', body, options, this._full);
  }

  /** Lists all of your deployments but the deleted ones, newest first (empty when there are none). */
  list(options?: RequestOptions): Result<Full, InferenceDeployment[]> {
    return this._send(LIST, undefined, '', undefined, options, this._full);
  }

  /** Reads one deployment; rejects with `NotFoundError` when there is none with this id. */
  get(id: string, options?: RequestOptions): Result<Full, InferenceDeployment> {
    return this._send(GET, id, '', undefined, options, this._full);
  }

  /** Deletes a deployment (it becomes `DELETING`, then is gone); resolves with the API's message. */
  delete(id: string, params?: ForceParams, options?: RequestOptions): Result<Full, string> {
    return this._send(DELETE, id, force(params), undefined, options, this._full);
  }

  /** Starts an `INACTIVE` deployment again (it becomes `PROVISIONING`); resolves with the API's message. */
  start(id: string, options?: RequestOptions): Result<Full, string> {
    return this._send(START, id, '', undefined, options, this._full);
  }

  /** Stops a deployment: scales it to zero workers (`INACTIVE`), so no GPU is billed. */
  stop(id: string, params?: ForceParams, options?: RequestOptions): Result<Full, string> {
    return this._send(STOP, id, force(params), undefined, options, this._full);
  }

  /**
   * Polls `get` with a growing interval until the deployment is `ACTIVE` and resolves with it.
   * Rejects with `DeploymentFailedError` when it is `FAILED`, `DELETING` or `DELETED`, with
   * `WaitTimeoutError` at the deadline (checked between polls), and with `APIUserAbortError` when
   * `signal` aborts. Each poll is a `get`, with the client's timeout and retries.
   */
  async waitUntilReady(id: string, options: WaitOptions = {}): Promise<InferenceDeployment> {
    const { timeout = 1_200_000, signal, onStatus, maxInterval = 15_000 } = options;
    const deadline = Date.now() + timeout;
    let interval = options.interval ?? 2000;
    let last: InferenceDeployment | undefined;
    for (;;) {
      const d: InferenceDeployment = await this._send(GET, id, '', undefined, { signal }, false);
      if (d.status !== last?.status) onStatus?.(d.status, d);
      last = d;
      if (d.status === 'ACTIVE') return d;
      if (d.status === 'FAILED' || d.status === 'DELETING' || d.status === 'DELETED')
        throw new DeploymentFailedError(`inference.waitUntilReady: deployment ${id} is ${d.status}`, d);
      const wait = Math.min(interval, deadline - Date.now());
      if (wait <= 0)
        throw new WaitTimeoutError(
          `inference.waitUntilReady: deployment ${id} was still ${d.status} after ${timeout} ms`,
          d,
        );
      await sleep(wait, signal, 'inference.waitUntilReady');
      interval = Math.min(interval * 1.5, maxInterval);
    }
  }
}
