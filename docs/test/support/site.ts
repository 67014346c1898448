import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadEndpointSpec, loadSpec } from '@sgi/spec';
import { operationRoute, referenceSpec } from '../../src/reference.js';
import { siteDir } from '../../src/serve.js';

export { siteDir };

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  op: Record<string, unknown>;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation of the bundled spec (the API's, or with `loadEndpointSpec` the deployment endpoint's). */
export function operations(spec = loadSpec()): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of methods) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      out.push({
        method,
        path,
        operationId: String(op.operationId),
        summary: String(op.summary),
        tag: String((op.tags as string[] | undefined)?.[0]),
        op,
      });
    }
  }
  return out;
}

/** The reference page's route (after `#`) for an operation. */
export function referenceRoute(op: Operation): string {
  return operationRoute(loadSpec(), op.operationId);
}

/** Every operation of the deployment endpoint's document (`@sgi/spec`'s `endpoint.json`). */
export function endpointOperations(): Operation[] {
  return operations(loadEndpointSpec());
}

/** The deployment endpoint reference's route (after `#`) for one of its operations. */
export function endpointRoute(op: Operation): string {
  return operationRoute(loadEndpointSpec(), op.operationId);
}

/** Every route of the deployment endpoint's reference: its start, each tag, and each operation. */
export function endpointRoutes(): Set<string> {
  const tags = (loadEndpointSpec().tags ?? []) as Array<{ name: string }>;
  return new Set([
    '/',
    ...tags.map((t) => `/${t.name.toLowerCase()}`),
    ...endpointOperations().map(endpointRoute),
  ]);
}

/** Every route of the reference page: its start, each tag it shows, and each operation. */
export function referenceRoutes(): Set<string> {
  const shown = referenceSpec(loadSpec()).tags as Array<{ name: string }> | undefined;
  const tags = (shown ?? []).map((t) => `/${t.name.toLowerCase()}`);
  return new Set(['/', ...tags, ...operations().map(referenceRoute)]);
}

/** Every HTML page of the built site, as paths relative to the site folder (`guides/x.html`). */
export function sitePages(): string[] {
  if (!existsSync(siteDir)) throw new Error(`No built site at ${siteDir}: run the docs build first`);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) out.push(relative(siteDir, full).split('\\').join('/'));
    }
  };
  walk(siteDir);
  return out.sort();
}

/** The text of a page of the built site. */
export function readPage(page: string): string {
  return readFileSync(join(siteDir, page), 'utf8');
}

/** The viewport of the browser tests: a desktop window, wide enough for the three-panel reference. */
export const DESKTOP = { width: 1400, height: 900 };
