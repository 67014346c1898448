import type { SpecFacts } from '../spec.js';

/** The sandbox's own routes (not in the spec), each one label. */
const OWN_ROUTES: ReadonlyArray<readonly [method: string, path: RegExp, label: string]> = [
  ['GET', /^\/__sandbox\/health$/, 'GET /__sandbox/health'],
  ['HEAD', /^\/__sandbox\/health$/, 'GET /__sandbox/health'],
  ['GET', /^\/__sandbox\/ready$/, 'GET /__sandbox/ready'],
  ['HEAD', /^\/__sandbox\/ready$/, 'GET /__sandbox/ready'],
  ['POST', /^\/__sandbox\/reset$/, 'POST /__sandbox/reset'],
  ['GET', /^\/__sandbox\/requests$/, 'GET /__sandbox/requests'],
  ['GET', /^\/__sandbox\/clock$/, 'GET /__sandbox/clock'],
  ['POST', /^\/__sandbox\/clock$/, 'POST /__sandbox/clock'],
  ['GET', /^\/__sandbox\/admin\/keys$/, 'GET /__sandbox/admin/keys'],
  ['POST', /^\/__sandbox\/admin\/keys$/, 'POST /__sandbox/admin/keys'],
  ['DELETE', /^\/__sandbox\/admin\/keys\/[^/]+$/, 'DELETE /__sandbox/admin/keys/{name}'],
];

/** The label of every request that reaches neither an operation of the spec nor a route of the sandbox. */
export const OTHER_ROUTE = 'other';

/**
 * The route a request is counted under in metrics, from a closed set: one label per operation of the spec
 * (`GET /sg_inf/{inference_id}`: its method and path template, so ids never make new series), one per route
 * of the sandbox's own, and {@link OTHER_ROUTE} for anything else. Nothing a caller sends can add a label.
 */
export function routeOf(method: string, path: string, facts?: SpecFacts): string {
  if (path.startsWith('/__sandbox/')) {
    for (const [m, pattern, label] of OWN_ROUTES) if (m === method && pattern.test(path)) return label;
    return OTHER_ROUTE;
  }
  // A deployment's model endpoint: one label per route, never per deployment.
  const endpoint =
    /^\/deployments\/[^/]+\/inference(\/v1\/models|\/v1\/chat\/completions|\/v1\/completions|\/v1\/embeddings|\/embed)$/.exec(
      path,
    );
  if (endpoint)
    return method === 'GET' || method === 'POST'
      ? `${method} /deployments/{id}/inference${endpoint[1]}`
      : OTHER_ROUTE;
  const operation = facts?.operationOf(method, path);
  return operation ? `${operation.method} ${operation.template}` : OTHER_ROUTE;
}
