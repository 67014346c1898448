import type { OpenApiDocument } from '@sgi/spec';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

/** Finds the spec operation a request is for (`listInferenceDeployments`), literal paths before templated ones. */
export function operationMatcher(
  document: OpenApiDocument,
): (method: string, path: string) => string | undefined {
  const routes = Object.entries(document.paths)
    .flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({
        method: m.toUpperCase(),
        literal: !template.includes('{'),
        pattern: new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
        ),
        operationId: String((item[m] as { operationId?: unknown }).operationId),
      })),
    )
    .sort((a, b) => Number(b.literal) - Number(a.literal));
  return (method, path) => routes.find((r) => r.method === method && r.pattern.test(path))?.operationId;
}
