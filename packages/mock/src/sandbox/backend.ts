import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unknownFieldErrors } from '../checks.js';
import { envelope, invalidFieldsMessage, sendJson, UNAUTHORIZED } from '../errors.js';
import { idleTimeoutOf, priceOf, TRANSITION_RULES, view } from '../rules/lifecycle.js';
import type { SpecFacts } from '../spec.js';
import { crossFieldErrors, defaultEngines, storedSettings } from './settings.js';
import type { CreateRefusal, SandboxStore, TransitionOutcome } from './store/types.js';
import { userIdOf } from './tenant.js';

/** A hook that changes what the sandbox answers before Prism validates it (to prove the contract guard works). */
export type AlterResponse = (request: { method: string; path: string }, body: unknown) => unknown;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/**
 * Why a create was refused, in words. Every refusal is the documented 403: the caller's own limits, and
 * the sandbox's capacity too (a 5xx would tell a partner's retry logic that the service failed, and
 * no flood of new tokens can make the sandbox answer 5xx).
 */
function refusal(reason: CreateRefusal, store: SandboxStore, retryAfterMs?: number): string {
  const l = store.limits;
  switch (reason) {
    case 'tenant_deployments':
      return `This sandbox tenant already holds ${l.maxDeploymentsPerTenant} deployments: delete some or reset.`;
    case 'tenant_bytes':
      return `This sandbox tenant's deployments would exceed ${l.maxTenantBytes} bytes of settings: delete some or reset.`;
    case 'tenant_capacity': {
      const minutes = Math.max(1, Math.ceil((retryAfterMs ?? 0) / 60_000));
      return `The sandbox is at capacity: it holds ${l.maxTenants} tenants, and a new token becomes a tenant only when an inactive one expires (in about ${minutes} minute${minutes === 1 ? '' : 's'}). Ask the operator for a sandbox key, or retry later.`;
    }
    case 'revoked':
      return 'This sandbox key is not valid: it is unknown or was revoked.';
    case 'store_full':
      return "The sandbox's store is full: it refuses new data until there is room. Delete some deployments or reset, or retry later.";
    default:
      return 'The sandbox is full: it holds as many deployments as it may. Retry later.';
  }
}

/** What the sandbox needs. */
export interface SandboxBackendOptions {
  store: SandboxStore;
  facts: SpecFacts;
  /** The tenant the front authenticated the request as. */
  tenantOf: (req: IncomingMessage) => string | undefined;
  /** The sandbox key the request was admitted with (keys mode), for the store to check at write time. */
  epochOf?: (req: IncomingMessage) => string | undefined;
  clock?: () => number;
  alter?: AlterResponse;
  /** An `ACTIVE` deployment's `link` (its endpoint's base URL). */
  linkOf?: (id: string) => string;
}

/**
 * The stateful fake of the Inference API. It sits behind Prism's validating proxy, which has already
 * checked each request against the spec, and whose check of each answer it must pass. The store is read
 * only here, once the request is admitted (authenticated, within its limits, its body read and checked).
 */
export function sandboxBackend(options: SandboxBackendOptions) {
  const { store, facts, tenantOf, alter } = options;
  const clock = options.clock ?? Date.now;
  const engines = defaultEngines(facts);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply = (status: number, body: unknown) =>
      sendJson(res, status, alter ? alter({ method, path }, body) : body);
    const outcome = (id: string, result: TransitionOutcome, done: string, rule: string) => {
      if (result.ok) return reply(200, { success: true, message: `Deployment ${id} ${done}.` });
      if (result.reason === 'not_found') return reply(404, envelope(`Deployment ${id} was not found.`));
      return reply(409, envelope(`Deployment ${id} is ${result.status}; ${rule}.`));
    };

    const tenant = tenantOf(req);
    if (!tenant) {
      req.resume();
      return reply(401, envelope(UNAUTHORIZED));
    }
    const userId = userIdOf(tenant);
    const now = clock();

    if (method === 'POST' && path === '/sg_inf/create') {
      const body = (await readJson(req)) as Record<string, unknown>;
      // Checked where the data is stored too, whatever route the request took to get here.
      const unknown = unknownFieldErrors(body, facts);
      if (unknown.length > 0) return reply(422, envelope(invalidFieldsMessage(unknown), unknown));
      const errors = crossFieldErrors(body);
      if (errors.length > 0) return reply(422, envelope(invalidFieldsMessage(errors), errors));
      const fails = String(req.headers['x-sandbox-outcome'] ?? '').toLowerCase() === 'fail';
      const settings = storedSettings(body, facts, engines);
      const created = await store.create(
        tenant,
        {
          id: randomUUID(),
          settings: JSON.stringify(settings),
          fails,
          pricePerHour: priceOf(settings),
          ...(idleTimeoutOf(settings) === undefined ? {} : { idleTimeoutMs: idleTimeoutOf(settings) }),
        },
        now,
        options.epochOf?.(req),
      );
      if (!created.ok && created.reason === 'revoked')
        return reply(401, envelope('This sandbox key is not valid: it is unknown or was revoked.'));
      if (!created.ok) return reply(403, envelope(refusal(created.reason, store, created.retryAfterMs)));
      return reply(200, { success: true, message: { inf_id: created.record.id } });
    }
    req.resume();
    if (method === 'GET' && path === '/sg_inf/list') {
      const list = await store.list(tenant, now);
      return reply(200, { success: true, message: list.map((d) => view(d, userId, now, options.linkOf)) });
    }

    const match = /^\/sg_inf\/([^/]+)(\/scale\/(up|zero))?$/.exec(path);
    const id = match ? decodeURIComponent(match[1] as string) : undefined;
    if (id !== undefined && !match?.[2] && method === 'GET') {
      const found = await store.get(tenant, id, now);
      return found
        ? reply(200, { success: true, message: view(found, userId, now, options.linkOf) })
        : reply(404, envelope(`Deployment ${id} was not found.`));
    }
    if (id !== undefined && !match?.[2] && method === 'DELETE') {
      const rule = TRANSITION_RULES.delete;
      return outcome(
        id,
        await store.transition(tenant, id, rule.from, rule.to, now),
        'is being deleted',
        rule.rule,
      );
    }
    if (id !== undefined && method === 'POST') {
      const [rule, done] =
        match?.[3] === 'up'
          ? [TRANSITION_RULES.start, 'is starting']
          : [TRANSITION_RULES.stop, 'is scaling to zero'];
      return outcome(id, await store.transition(tenant, id, rule.from, rule.to, now), done, rule.rule);
    }
    return reply(404, envelope(`No such route: ${method} ${path.slice(0, 200)}.`));
  };
}
