import { randomBytes } from 'node:crypto';
import { type Contract, loadContract } from './contract.js';
import { type KnownDrift, loadKnownDrift, matchDrift } from './drift.js';
import type { Finding } from './findings.js';
import { validateExchange } from './validate.js';

/** How to run the conformance checks. */
export interface ConformanceOptions {
  /** The server's base URL, e.g. `https://prod-api.scalegen.ai`. */
  baseUrl: string;
  /** A bearer token of the account to check with. Never printed or reported. */
  token: string;
  /** Also create, stop, start and delete one deployment (costs money on a real server). Default false. */
  allowWrites?: boolean;
  /** Accepted differences (default: the known-drift file `@sgi/spec` ships). `[]` accepts none. */
  knownDrift?: readonly KnownDrift[];
  /** Time limit of one call, in ms (default 30 s). */
  timeoutMs?: number;
  /** How long the lifecycle waits for each status, in ms (default 30 min). */
  readyTimeoutMs?: number;
  /** Time between two polls of a deployment's status, in ms (default 5 s). */
  pollIntervalMs?: number;
  /** How many listed deployments to get (default 5). */
  maxGets?: number;
  /** Stops the run; what it created is still deleted. */
  signal?: AbortSignal;
  /** Called with one line per step, for progress output. */
  onProgress?: (line: string) => void;
  /** The spec to check against (default: `@sgi/spec`'s bundle). */
  contract?: Contract;
}

/** One check of the run and what it found. */
export interface CheckResult {
  name: string;
  operation: string;
  findings: Finding[];
}

/** What a conformance run found. */
export interface ConformanceReport {
  baseUrl: string;
  checks: CheckResult[];
  /** Every finding, known drifts marked with `knownDrift`. */
  findings: Finding[];
  /** Deployments the run created, and those it could not delete (to delete by hand). */
  created: string[];
  leftBehind: string[];
  /** Whether the run was stopped before its end (signal or failure half-way). */
  interrupted: boolean;
}

/**
 * The cheapest deployment the spec allows that can still become `ACTIVE`: a small embedding model,
 * one T4 GPU on at most one spot worker, scaled to zero after a minute idle, capped at $1 per hour.
 */
export function cheapestCreateBody(name: string): Record<string, unknown> {
  return {
    name,
    model: 'BAAI/bge-small-en-v1.5',
    inf_type: 'embedding',
    allow_spot_instances: true,
    initial_worker_config: {
      min_workers: 0,
      max_workers: 1,
      initial_workers_gpu: 'T4',
      initial_workers_gpu_num: 1,
      use_other_gpus: false,
      expand_gpu_types: false,
    },
    autoscaling_config: { scale_to_zero: true, scale_to_zero_timeout_sec: 60 },
    max_price_per_hour: 1,
    controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  };
}

/** An invalid create body: the server must refuse it (400 or 422) and create nothing. */
export const INVALID_CREATE_BODY = {
  name: 'sgi-conformance-invalid',
  model: 'sgi/conformance-invalid',
  inf_type: 'not-a-type',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

class Interrupted extends Error {}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Interrupted('interrupted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Interrupted('interrupted'));
      },
      { once: true },
    );
  });

/** The `message` of an envelope, or the body itself when the server sent the bare result. */
function result(json: unknown): unknown {
  return json && typeof json === 'object' && !Array.isArray(json) && 'success' in json
    ? (json as { message?: unknown }).message
    : json;
}

/**
 * Runs the conformance checks against a live server and reports every difference from the spec.
 * Read-only by default: list; get of listed ids; get of an id that does not exist; calls without a
 * token and with a wrong one; a create with an invalid body (which must be refused). With
 * `allowWrites`, the whole lifecycle of the cheapest deployment too (create, wait until `ACTIVE`,
 * stop, start, delete), always deleting what it created, also when stopped or failing half-way.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const contract = options.contract ?? loadContract();
  const drifts = options.knownDrift ?? loadKnownDrift();
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30 * 60_000;
  const pollMs = options.pollIntervalMs ?? 5000;
  const progress = options.onProgress ?? (() => {});
  const checks = new Map<string, CheckResult>();
  const created: string[] = [];
  const deleted = new Set<string>();
  let interrupted = false;

  const checkOf = (name: string, operation: string) => {
    let check = checks.get(name);
    if (!check) {
      check = { name, operation, findings: [] };
      checks.set(name, check);
    }
    return check;
  };
  const record = (check: CheckResult, finding: Finding) => {
    const key = (f: Finding) => `${f.operation} ${f.status} ${f.kind} ${f.pointer} ${f.message}`;
    if (check.findings.some((f) => key(f) === key(finding))) return;
    const drift = matchDrift(finding, drifts);
    check.findings.push(drift ? { ...finding, knownDrift: drift.id } : finding);
  };
  const behaviour = (check: string, operation: string, status: number, message: string) =>
    record(checkOf(check, operation), {
      check,
      operation,
      status,
      kind: 'behaviour',
      pointer: '',
      message,
      severity: 'error',
    });

  /** One call, validated against the spec; undefined when no answer came. */
  async function call(
    check: string,
    operation: string,
    request: { path: string; token?: string | null; body?: unknown; signal?: AbortSignal },
  ): Promise<Answer | undefined> {
    const op = contract.operation(operation);
    const c = checkOf(check, operation);
    const signal = request.signal ?? options.signal;
    if (signal?.aborted) throw new Interrupted('interrupted');
    const token = request.token === undefined ? options.token : request.token;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${request.path}`, {
        method: op.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      if (signal?.aborted) throw new Interrupted('interrupted');
      // The message of a network error names the host and the cause, never the request's headers.
      const why =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : String((error as Error).cause ?? (error as Error).message);
      record(c, {
        check,
        operation,
        status: 0,
        kind: 'unreachable',
        pointer: '',
        message: `${op.method} ${request.path}: ${why}`,
        severity: 'error',
      });
      return undefined;
    }
    const text = await response.text();
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name.toLowerCase()] = value;
    });
    for (const finding of validateExchange(contract, {
      check,
      operation,
      status: response.status,
      headers: answerHeaders,
      body: text,
    })) {
      record(c, finding);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    progress(`${check}: ${op.method} ${request.path} -> ${response.status}`);
    return { status: response.status, headers: answerHeaders, text, json };
  }

  const missingId = `sgi-conformance-missing-${randomBytes(6).toString('hex')}`;
  const path = (id: string, suffix = '') => `/sg_inf/${encodeURIComponent(id)}${suffix}`;

  /** Deletes what the run created and has not deleted yet, with its own time limit (not the run's signal). */
  async function cleanUp() {
    for (const id of created) {
      if (deleted.has(id)) continue;
      progress(`clean-up: deleting ${id}`);
      const answer = await call('clean-up', 'deleteInferenceDeployment', {
        path: `${path(id)}?force=true`,
        signal: AbortSignal.timeout(timeoutMs * 2),
      }).catch(() => undefined);
      if (answer && (answer.status < 300 || answer.status === 404)) deleted.add(id);
    }
  }

  /** Polls get until `done` says so; returns the last status seen (undefined when gone). */
  async function waitFor(
    check: string,
    id: string,
    done: (status: string | undefined, answer: Answer) => boolean,
  ) {
    const deadline = Date.now() + readyTimeoutMs;
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const answer = await call(check, 'getInferenceDeployment', { path: path(id) });
      if (answer) {
        const status = (result(answer.json) as { status?: string } | undefined)?.status;
        if (done(status, answer)) return answer;
        if (status === 'FAILED') {
          behaviour(check, 'getInferenceDeployment', answer.status, `deployment ${id} became FAILED`);
          return undefined;
        }
      }
      if (Date.now() >= deadline) {
        behaviour(
          check,
          'getInferenceDeployment',
          answer?.status ?? 0,
          `deployment ${id} did not get there within ${readyTimeoutMs} ms`,
        );
        return undefined;
      }
      await sleep(pollMs, options.signal);
    }
    return undefined;
  }

  try {
    // 1. List, then get what it lists.
    const list = await call('list', 'listInferenceDeployments', { path: '/sg_inf/list' });
    const listed = result(list?.json);
    const before = new Set(
      Array.isArray(listed) ? listed.map((d) => String((d as { id?: unknown }).id)) : [],
    );
    for (const id of [...before].slice(0, options.maxGets ?? 5)) {
      await call('get of a listed id', 'getInferenceDeployment', { path: path(id) });
    }

    // 2. An id that does not exist.
    const missing = await call('get of an id that does not exist', 'getInferenceDeployment', {
      path: path(missingId),
    });
    if (
      missing &&
      missing.status !== 404 &&
      contract.operation('getInferenceDeployment').responses.has(String(missing.status))
    ) {
      behaviour(
        'get of an id that does not exist',
        'getInferenceDeployment',
        missing.status,
        `an id that does not exist answered ${missing.status}, not 404`,
      );
    }

    // 3. Credentials: none, and wrong ones.
    const none = await call('list without a token', 'listInferenceDeployments', {
      path: '/sg_inf/list',
      token: null,
    });
    if (none && none.status !== 401) {
      behaviour(
        'list without a token',
        'listInferenceDeployments',
        none.status,
        `a call without credentials answered ${none.status}, not 401`,
      );
    }
    // A token no server can have issued (a bearer token has no spaces): wrong on any server, the sandbox
    // included, which takes any well-formed token as a tenant.
    const wrong = await call('list with a wrong token', 'listInferenceDeployments', {
      path: '/sg_inf/list',
      token: `not a token ${randomBytes(8).toString('hex')}`,
    });
    if (wrong && wrong.status !== 401 && wrong.status !== 403) {
      behaviour(
        'list with a wrong token',
        'listInferenceDeployments',
        wrong.status,
        `a call with a wrong token answered ${wrong.status}, not 401 or 403`,
      );
    }

    // 4. An invalid create: refused, nothing created.
    const invalid = await call('create with an invalid body', 'createInferenceDeployment', {
      path: '/sg_inf/create',
      body: INVALID_CREATE_BODY,
    });
    if (invalid && invalid.status < 300) {
      const id = (result(invalid.json) as { inf_id?: unknown } | undefined)?.inf_id;
      if (typeof id === 'string') created.push(id);
      behaviour(
        'create with an invalid body',
        'createInferenceDeployment',
        invalid.status,
        `an invalid create (inf_type "not-a-type") was accepted with ${invalid.status}${typeof id === 'string' ? `; deployment ${id} is deleted` : ''}`,
      );
    } else if (invalid && invalid.status !== 400 && invalid.status !== 422 && invalid.status < 500) {
      behaviour(
        'create with an invalid body',
        'createInferenceDeployment',
        invalid.status,
        `an invalid create answered ${invalid.status}, not 400 or 422`,
      );
    }
    if (list && Array.isArray(listed)) {
      const after = result(
        (await call('create with an invalid body', 'listInferenceDeployments', { path: '/sg_inf/list' }))
          ?.json,
      );
      const added = Array.isArray(after)
        ? after.filter(
            (d) =>
              (d as { name?: unknown }).name === INVALID_CREATE_BODY.name &&
              !before.has(String((d as { id?: unknown }).id)),
          )
        : [];
      for (const d of added) {
        const id = String((d as { id?: unknown }).id);
        if (!created.includes(id)) created.push(id);
        behaviour(
          'create with an invalid body',
          'createInferenceDeployment',
          invalid?.status ?? 0,
          `the invalid create left deployment ${id} behind; it is deleted`,
        );
      }
    }

    // 5. The lifecycle, only when allowed.
    if (options.allowWrites) {
      const name = `sgi-conformance-${new Date()
        .toISOString()
        .replace(/[^0-9]/g, '')
        .slice(0, 14)}`;
      const create = await call('lifecycle: create', 'createInferenceDeployment', {
        path: '/sg_inf/create',
        body: cheapestCreateBody(name),
      });
      const id = (result(create?.json) as { inf_id?: unknown } | undefined)?.inf_id;
      if (typeof id === 'string') {
        created.push(id);
        const listed = result(
          (await call('lifecycle: list shows it', 'listInferenceDeployments', { path: '/sg_inf/list' }))
            ?.json,
        );
        if (Array.isArray(listed) && !listed.some((d) => (d as { id?: unknown }).id === id)) {
          behaviour(
            'lifecycle: list shows it',
            'listInferenceDeployments',
            200,
            `list does not show the new deployment ${id}`,
          );
        }
        if (await waitFor('lifecycle: wait until ACTIVE', id, (s) => s === 'ACTIVE')) {
          await call('lifecycle: stop', 'stopInferenceDeployment', { path: path(id, '/scale/zero') });
          if (await waitFor('lifecycle: wait until INACTIVE', id, (s) => s === 'INACTIVE')) {
            await call('lifecycle: start', 'startInferenceDeployment', { path: path(id, '/scale/up') });
            await waitFor('lifecycle: wait until ACTIVE again', id, (s) => s === 'ACTIVE');
          }
        }
        const del = await call('lifecycle: delete', 'deleteInferenceDeployment', { path: path(id) });
        if (del && del.status < 300) {
          deleted.add(id);
          await waitFor('lifecycle: gone after delete', id, (_s, a) => a.status === 404 || a.status === 204);
        }
      } else if (create) {
        behaviour(
          'lifecycle: create',
          'createInferenceDeployment',
          create.status,
          'create gave no inf_id; the lifecycle was skipped',
        );
      }
    }
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    interrupted = true;
  } finally {
    await cleanUp();
  }

  const all = [...checks.values()];
  return {
    baseUrl: base,
    checks: all,
    findings: all.flatMap((c) => c.findings),
    created: [...created],
    leftBehind: created.filter((id) => !deleted.has(id)),
    interrupted,
  };
}
