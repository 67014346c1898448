import type { IncomingMessage, ServerResponse } from 'node:http';
import { unknownFieldErrors } from '../checks.js';
import { envelope, invalidFieldsMessage, sendJson, UNAUTHORIZED } from '../errors.js';
import type { SpecFacts } from '../spec.js';
import { crossFieldErrors, defaultEngines, storedSettings } from './settings.js';
import type { SandboxStore } from './store.js';

/** A hook that changes what the sandbox answers before Prism validates it (to prove the contract guard works). */
export type AlterResponse = (request: { method: string; path: string }, body: unknown) => unknown;

/** The bearer token of a request, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/**
 * The stateful fake of the Inference API. It sits behind Prism's validating proxy, which has already
 * checked each request against the spec, and whose check of each answer it must pass.
 */
export function sandboxBackend(store: SandboxStore, facts: SpecFacts, alter?: AlterResponse) {
  const engines = defaultEngines(facts);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply = (status: number, body: unknown) =>
      sendJson(res, status, alter ? alter({ method, path }, body) : body);
    const outcome = (result: ReturnType<SandboxStore['stop']>) =>
      result.ok
        ? reply(200, { success: true, message: result.message })
        : reply(result.status, envelope(result.message));

    const token = bearerToken(req);
    if (!token) {
      req.resume();
      return reply(401, envelope(UNAUTHORIZED));
    }

    if (method === 'POST' && path === '/sg_inf/create') {
      const body = (await readJson(req)) as Record<string, unknown>;
      // Checked where the data is stored too, whatever route the request took to get here.
      const unknown = unknownFieldErrors(body, facts);
      if (unknown.length > 0) return reply(422, envelope(invalidFieldsMessage(unknown), unknown));
      const errors = crossFieldErrors(body);
      if (errors.length > 0) return reply(422, envelope(invalidFieldsMessage(errors), errors));
      const fails = String(req.headers['x-sandbox-outcome'] ?? '').toLowerCase() === 'fail';
      const id = store.create(token, storedSettings(body, facts, engines), { fails });
      if (!id) {
        const max = store.limits.maxDeploymentsPerTenant;
        return reply(
          403,
          envelope(`This sandbox token already holds ${max} deployments: delete some or reset.`),
        );
      }
      return reply(200, { success: true, message: { inf_id: id } });
    }
    req.resume();
    if (method === 'GET' && path === '/sg_inf/list')
      return reply(200, { success: true, message: store.list(token) });

    const match = /^\/sg_inf\/([^/]+)(\/scale\/(up|zero))?$/.exec(path);
    const id = match ? decodeURIComponent(match[1] as string) : undefined;
    if (id !== undefined && !match?.[2]) {
      if (method === 'GET') {
        const deployment = store.get(token, id);
        return deployment
          ? reply(200, { success: true, message: deployment })
          : reply(404, envelope(`Deployment ${id} was not found.`));
      }
      if (method === 'DELETE') return outcome(store.delete(token, id));
    }
    if (id !== undefined && method === 'POST') {
      return outcome(match?.[3] === 'up' ? store.start(token, id) : store.stop(token, id));
    }
    return reply(404, envelope(`No such route: ${method} ${path.slice(0, 200)}.`));
  };
}
