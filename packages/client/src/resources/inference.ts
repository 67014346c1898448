import { type Operation, operation } from '../core/operation.js';
import type { RequestOptions, WithResponse } from '../core/options.js';
import type { Send } from '../core/transport.js';
import type {
  CreatedDeployment,
  DeploymentStatus,
  InferenceDeployment,
  InferenceDeploymentCreate,
} from '../types.js';
import { waitUntilReady } from './wait.js';

/** The operations of this resource, each checked against the spec's generated `paths`. */
export const operations = {
  create: operation('inference.create', '/sg_inf/create', 'post'),
  list: operation('inference.list', '/sg_inf/list', 'get', 'list'),
  get: operation('inference.get', '/sg_inf/{inference_id}', 'get', 'notFound'),
  delete: operation('inference.delete', '/sg_inf/{inference_id}', 'delete', 'notFound'),
  start: operation('inference.start', '/sg_inf/{inference_id}/scale/up', 'post', 'notFound'),
  stop: operation('inference.stop', '/sg_inf/{inference_id}/scale/zero', 'post', 'notFound'),
};

/** Options of `delete` and `stop`. */
export interface ForceParams {
  /** Do not wait for in-flight requests to finish. */
  force?: boolean | undefined;
}

/**
 * Options of {@link Inference.waitUntilReady}. `signal`, `headers`, `maxRetries` and `fetchOptions`
 * apply to each poll as to any call; `timeout` is the deadline of the whole wait.
 */
export interface WaitOptions extends Omit<RequestOptions, 'timeout'> {
  /**
   * The deadline of the whole wait, in ms, a poll in flight included: then it rejects with
   * `WaitTimeoutError` (default 20 minutes; `0`, `Infinity` or 2^31-1 ms and up: none).
   */
  timeout?: number | undefined;
  /** Called with each status seen, when it differs from the previous one. */
  onStatus?: ((status: DeploymentStatus, deployment: InferenceDeployment) => void) | undefined;
  /** First delay between two polls, in ms (default 2000); it grows by half each time, up to `maxInterval`. */
  interval?: number | undefined;
  /** Longest delay between two polls, in ms (default 15000). */
  maxInterval?: number | undefined;
}

const force = (p: ForceParams | undefined) => (p?.force === undefined ? '' : `?force=${p.force}`);

/**
 * The methods of {@link Inference} as `client.inference.withResponse` has them: each resolves with
 * the result together with its HTTP response and request id.
 */
export interface InferenceWithResponse {
  /** {@link Inference.create}, with its response. */
  create(body: InferenceDeploymentCreate, options?: RequestOptions): Promise<WithResponse<CreatedDeployment>>;
  /** {@link Inference.list}, with its response. */
  list(options?: RequestOptions): Promise<WithResponse<InferenceDeployment[]>>;
  /** {@link Inference.get}, with its response. */
  get(id: string, options?: RequestOptions): Promise<WithResponse<InferenceDeployment>>;
  /** {@link Inference.delete}, with its response. */
  delete(id: string, params?: ForceParams, options?: RequestOptions): Promise<WithResponse<string>>;
  /** {@link Inference.start}, with its response. */
  start(id: string, options?: RequestOptions): Promise<WithResponse<string>>;
  /** {@link Inference.stop}, with its response. */
  stop(id: string, params?: ForceParams, options?: RequestOptions): Promise<WithResponse<string>>;
}

/**
 * Inference deployments: a model served on autoscaled GPU workers behind one endpoint (`link`).
 * Every method resolves with the unwrapped `message` of the API's answer; `withResponse` has the
 * same methods, resolving with `{ data, response, requestId }`.
 */
export class Inference {
  /** The same methods, resolving with `{ data, response, requestId }` instead of the result alone. */
  declare readonly withResponse: InferenceWithResponse;
  declare private readonly _send: Send;
  /** Whether the methods resolve with `{ data, response, requestId }`: those of `withResponse`. */
  declare private readonly _full: boolean;

  /** @internal Built once by `createClient`. */
  constructor(send: Send, full = false) {
    // Assigned, not declared as class fields: no `field;` line per property in the built code.
    this._send = send;
    this._full = full;
    this.withResponse = (full ? this : new Inference(send, true)) as unknown as InferenceWithResponse;
  }

  private _call<T>(
    op: Operation<T>,
    id: string | undefined,
    options: RequestOptions | undefined,
    query?: string,
    body?: unknown,
  ): Promise<T> {
    const withResponse = this._full;
    return this._send({ op: op as Operation<unknown>, id, query, body, options, withResponse }) as Promise<T>;
  }

  /**
   * Creates a deployment (it starts `PROVISIONING`) and resolves with `{ inf_id }`. Starts paid GPUs:
   * retried only when the API cannot have processed the request (see the README's retry policy).
   */
  create(body: InferenceDeploymentCreate, options?: RequestOptions): Promise<CreatedDeployment> {
    return this._call<CreatedDeployment>(operations.create, undefined, options, undefined, body);
  }

  /** Lists all of your deployments but the deleted ones, newest first (empty when there are none). */
  list(options?: RequestOptions): Promise<InferenceDeployment[]> {
    return this._call<InferenceDeployment[]>(operations.list, undefined, options);
  }

  /** Reads one deployment; rejects with `NotFoundError` when there is none with this id. */
  get(id: string, options?: RequestOptions): Promise<InferenceDeployment> {
    return this._call<InferenceDeployment>(operations.get, id, options);
  }

  /** Deletes a deployment (it becomes `DELETING`, then is gone); resolves with the API's message. */
  delete(id: string, params?: ForceParams, options?: RequestOptions): Promise<string> {
    return this._call<string>(operations.delete, id, options, force(params));
  }

  /** Starts an `INACTIVE` deployment again (it becomes `PROVISIONING`); resolves with the API's message. */
  start(id: string, options?: RequestOptions): Promise<string> {
    return this._call<string>(operations.start, id, options);
  }

  /** Stops a deployment: scales it to zero workers (`INACTIVE`), so no GPU is billed. */
  stop(id: string, params?: ForceParams, options?: RequestOptions): Promise<string> {
    return this._call<string>(operations.stop, id, options, force(params));
  }

  /**
   * Polls `get` with a growing interval until the deployment is `ACTIVE` and resolves with it.
   * Rejects with `DeploymentFailedError` when it is `FAILED`, `DELETING` or `DELETED`, with
   * `WaitTimeoutError` at the deadline, and with `APIUserAbortError` when `signal` aborts. Any
   * other status, one this version does not know included, counts as not ready yet: the wait goes
   * on (and `onStatus` reports it). `timeout` is the deadline of the whole wait, a poll in flight
   * included (`0`, `Infinity` or 2^31-1 ms and up: none); each poll is a `get` with the client's per-attempt timeout
   * and the call's `headers`, `maxRetries` and `fetchOptions`.
   */
  waitUntilReady(id: string, options: WaitOptions = {}): Promise<InferenceDeployment> {
    return waitUntilReady(this._send, operations.get as Operation<unknown>, id, options);
  }
}
