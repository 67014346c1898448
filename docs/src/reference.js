// @ts-check
/**
 * How the reference page presents the spec. Redoc groups operations by tag and shows each group
 * collapsed, so with one tag a reader would see no operation until they open it. When every operation
 * carries the same single tag, the page is rendered from a copy of the spec without tags: Redoc then
 * lists every operation in the sidebar from the first paint. The tag's description moves to the end
 * of the introduction. The spec itself (and the copy offered for download) is unchanged.
 */

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/**
 * @typedef {import('@sgi/spec').OpenApiDocument} Spec
 * @typedef {{ tags?: string[], operationId?: string }} Operation
 * @typedef {Array<{ name: string, description?: string }>} Tags
 */

/** Every operation object of a spec. */
function operationsOf(/** @type {Spec} */ spec) {
  return Object.values(spec.paths).flatMap((item) =>
    methods.map((m) => /** @type {Operation | undefined} */ (item[m])).filter((op) => op !== undefined),
  );
}

/** The one tag every operation carries, or undefined when operations are tagged otherwise. */
function singleTag(/** @type {Spec} */ spec) {
  const names = new Set(operationsOf(spec).map((op) => (op.tags ?? []).join('\u0000')));
  const [only] = names;
  return names.size === 1 && only && !only.includes('\u0000') ? only : undefined;
}

/**
 * The copy of the spec that the reference page is rendered from (the input is not changed).
 * @template {Spec} T
 * @param {T} spec
 * @returns {T}
 */
export function referenceSpec(spec) {
  const copy = structuredClone(spec);
  const tag = singleTag(copy);
  if (tag === undefined) return copy;
  for (const op of operationsOf(copy)) delete op.tags;
  const tags = /** @type {Tags | undefined} */ (copy.tags);
  const description = tags?.find((t) => t.name === tag)?.description?.trim();
  const intro = typeof copy.info.description === 'string' ? copy.info.description.trimEnd() : '';
  if (description) copy.info.description = `${intro}\n\n${description}\n`;
  delete copy.tags;
  return copy;
}

/**
 * The reference page's route (what follows `#`) of an operation: Redoc's `/<tag>/<operationid>`, or
 * `/other/<operationid>` for an operation listed without a tag.
 * @param {Spec} spec the spec (as bundled, before {@link referenceSpec})
 * @param {string} operationId
 */
export function operationRoute(spec, operationId) {
  const tag = singleTag(spec) === undefined ? findTag(spec, operationId) : 'other';
  return `/${tag.toLowerCase()}/${operationId.toLowerCase()}`;
}

function findTag(/** @type {Spec} */ spec, /** @type {string} */ operationId) {
  const op = operationsOf(spec).find((o) => o.operationId === operationId);
  if (!op) throw new Error(`No operation ${operationId} in the spec`);
  return op.tags?.[0] ?? 'other';
}
