import type { DeploymentRecord, SandboxStore } from './store/types.js';

/**
 * The header by which the gate tells the sandbox behind Prism which read it started for a request. The
 * gate removes it from every incoming request; the sandbox also checks that the read is of its own
 * tenant and route, so a forged or stale value only means the sandbox reads for itself.
 */
export const READ_AHEAD_HEADER = 'x-sgi-mock-read';

/** Reads started at once at most; beyond it, the sandbox reads when the request reaches it. */
export const MAX_READS_AHEAD = 4096;

/** What a sandbox route reads: `list`, or one deployment by its id. */
export type ReadTarget = 'list' | { id: string };

/** What a read found: the tenant's deployments, or the one deployment (undefined when there is none). */
export type ReadResult = { list: DeploymentRecord[] } | { id: string; one: DeploymentRecord | undefined };

const DEPLOYMENT_PATH = /^\/sg_inf\/([^/]+)$/;

/**
 * The read a request makes, if it is a read of the sandbox (`GET /sg_inf/list`, `GET /sg_inf/{id}`);
 * undefined for anything else. An id that is not valid percent-encoding is no read (the sandbox answers it).
 */
export function readTarget(method: string, path: string): ReadTarget | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/sg_inf/list') return 'list';
  const raw = DEPLOYMENT_PATH.exec(path)?.[1];
  if (raw === undefined) return undefined;
  try {
    return { id: decodeURIComponent(raw) };
  } catch {
    return undefined;
  }
}

/** Reads `target` of `tenant` from the store at `now`. */
export async function read(
  store: SandboxStore,
  tenant: string,
  target: ReadTarget,
  now: number,
): Promise<ReadResult> {
  return target === 'list'
    ? { list: await store.list(tenant, now) }
    : { id: target.id, one: await store.get(tenant, target.id, now) };
}

const sameTarget = (a: ReadTarget, b: ReadTarget) => (a === 'list' || b === 'list' ? a === b : a.id === b.id);

interface Pending {
  tenant: string;
  target: ReadTarget;
  now: number;
  result: Promise<ReadResult>;
}

/**
 * Reads of the store started as soon as the gate knows whose request it is, while Prism validates the
 * request: with a store across the network, the round trip overlaps Prism's work instead of following it.
 * A read is taken by the sandbox when the request reaches it, or dropped when the request ends without
 * reaching it (a refused request); either way it is held no longer than its request, and at most
 * {@link MAX_READS_AHEAD} at once.
 */
export class ReadAhead {
  readonly #pending = new Map<string, Pending>();
  #counter = 0;

  constructor(readonly store: SandboxStore) {}

  /** Reads started and not yet taken or dropped. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Starts the read of a request of `tenant` at `now` if it is a read of the sandbox: its token, for
   * {@link READ_AHEAD_HEADER}, or undefined (not a read, or too many pending).
   */
  start(tenant: string, method: string, path: string, now: number): string | undefined {
    const target = readTarget(method, path);
    if (!target || this.#pending.size >= MAX_READS_AHEAD) return undefined;
    const token = String(++this.#counter);
    const result = read(this.store, tenant, target, now);
    // A read nobody takes (its request was refused before the sandbox) must not be an unhandled rejection.
    result.catch(() => {});
    this.#pending.set(token, { tenant, target, now, result });
    return token;
  }

  /**
   * The read started for this request, if `token` names one of `tenant` and `target` (it is then no longer
   * pending); undefined otherwise, and the caller reads for itself.
   */
  take(
    token: string | string[] | undefined,
    tenant: string,
    target: ReadTarget,
  ): { now: number; result: Promise<ReadResult> } | undefined {
    if (typeof token !== 'string') return undefined;
    const pending = this.#pending.get(token);
    if (!pending || pending.tenant !== tenant || !sameTarget(pending.target, target)) return undefined;
    this.#pending.delete(token);
    return pending;
  }

  /** Forgets the read of a request that ended. */
  drop(token: string): void {
    this.#pending.delete(token);
  }
}
