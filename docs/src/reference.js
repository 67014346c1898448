// @ts-check
/**
 * How the reference page presents the spec. Redoc groups operations by tag and shows each group
 * collapsed, so with one tag a reader would see no operation until they open it. When every operation
 * carries the same single tag, the page is rendered from a copy of the spec without tags: Redoc then
 * lists every operation in the sidebar from the first paint. The tag's description moves to the end
 * of the introduction. The spec itself (and the copy offered for download) is unchanged.
 */

/**
 * The sandbox the site's consoles send requests to, unless the build (`SGI_SANDBOX_URL`) or the server
 * (`serve.js --sandbox`) says otherwise: the local sandbox that `pnpm start` runs.
 */
export const defaultSandboxUrl = 'http://127.0.0.1:4010';

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
 * The copy of the spec that the reference page is rendered from (the input is not changed): one tag
 * folded away (above), a bearer scheme shown as the one way to call (see {@link oneBearerScheme}), and
 * the sandbox added to the servers when `sandboxUrl` is given.
 * @template {Spec} T
 * @param {T} spec
 * @param {{ sandboxUrl?: string, guides?: Array<{ title: string, href: string }> }} [options]
 *   `guides`: linked first in the introduction (see {@link startHere})
 * @returns {T}
 */
export function referenceSpec(spec, { sandboxUrl, guides } = {}) {
  const copy = structuredClone(spec);
  oneBearerScheme(copy);
  if (guides) startHere(copy, guides);
  if (sandboxUrl) {
    copy.servers = [
      ...(copy.servers ?? []),
      { url: sandboxUrl, description: 'Sandbox: a stateful mock of the API, no GPUs and no costs.' },
    ];
  }
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

/**
 * A spec may list an OAuth 2.0 client-credentials scheme next to a bearer scheme, as alternatives
 * (`BearerAuth` or `ClientCredentials`): both end in the same bearer token, the grant being how one
 * gets it. Shown as two alternatives, a reader would take them for two ways to call. In the copy, the
 * bearer scheme is the only requirement, and its description ends with the grant's.
 * @param {Spec} copy changed in place
 */
function oneBearerScheme(copy) {
  const schemes = /** @type {Record<string, any>} */ (copy.components?.securitySchemes ?? {});
  const bearer = Object.keys(schemes).find(
    (k) => schemes[k].type === 'http' && schemes[k].scheme === 'bearer',
  );
  const grants = Object.keys(schemes).filter(
    (k) => schemes[k].type === 'oauth2' && schemes[k].flows?.clientCredentials,
  );
  if (!bearer || grants.length === 0) return;
  const only = (/** @type {Array<Record<string, string[]>> | undefined} */ security) =>
    security?.some((r) => bearer in r)
      ? security.filter((r) => !Object.keys(r).some((k) => grants.includes(k)))
      : security;
  const doc = /** @type {any} */ (copy);
  doc.security = only(doc.security);
  for (const item of Object.values(copy.paths)) {
    for (const m of methods) {
      const op = /** @type {any} */ (item)[m];
      if (op?.security) op.security = only(op.security);
    }
  }
  const how = grants.map((k) => {
    const url = schemes[k].flows.clientCredentials.tokenUrl;
    return `**How to get a token.** ${String(schemes[k].description ?? '').trim()}\n\nToken URL: \`${url}\``;
  });
  schemes[bearer].description =
    `${String(schemes[bearer].description ?? '').trim()}\n\n${how.join('\n\n')}\n`;
  for (const k of grants) delete schemes[k];
}

/**
 * The introduction as a newcomer needs it: where to start (the guides, "Try it") first, and the notes
 * for older clients (a paragraph that opens with "**Deprecated fields.**") last.
 * @param {Spec} copy changed in place
 * @param {Array<{ title: string, href: string }>} guides
 */
function startHere(copy, guides) {
  const intro = typeof copy.info.description === 'string' ? copy.info.description.trim() : '';
  const paragraphs = intro.split(/\n\s*\n/);
  const deprecated = paragraphs.filter((p) => p.startsWith('**Deprecated fields.**'));
  const rest = paragraphs.filter((p) => !p.startsWith('**Deprecated fields.**'));
  const links = guides.map((g) => `[${g.title}](${g.href})`).join(', ');
  const start =
    `**Start here:** ${links}. Every operation below has **Try it in the sandbox**, which sends it to ` +
    'the sandbox (no GPUs, no costs), and samples that read `SCALEGEN_BASE_URL` and `SCALEGEN_ACCESS_TOKEN`.';
  const [first = '', ...others] = rest;
  copy.info.description = `${[first, start, ...others, ...deprecated].filter(Boolean).join('\n\n')}\n`;
}

/**
 * The copy of a deployment endpoint's spec (`@sgi/spec`'s `endpoint.json`) that its reference page is
 * rendered from: as {@link referenceSpec} makes the API's, with the sandbox's deployments added to the
 * servers (`<sandbox>/deployments/{inference_id}/inference`: a sandbox deployment's `link` plus
 * `/inference`) and the guide and "Try it" named first in the introduction.
 * @template {Spec} T
 * @param {T} spec
 * @param {{ sandboxUrl?: string, guide?: { title: string, href: string } }} [options]
 * @returns {T}
 */
export function endpointReferenceSpec(spec, { sandboxUrl, guide } = {}) {
  const copy = referenceSpec(spec);
  if (sandboxUrl) {
    // A server with a variable: OpenAPI's server object, wider than the package's `OpenApiDocument` type.
    /** @type {any} */ (copy).servers = [
      ...(copy.servers ?? []),
      {
        url: `${sandboxUrl.replace(/\/$/, '')}/deployments/{inference_id}/inference`,
        description: "Sandbox: an ACTIVE sandbox deployment's link plus /inference.",
        variables: {
          inference_id: { default: 'inf-0000', description: "The deployment's `inf_id`." },
        },
      },
    ];
  }
  if (guide) {
    const intro = typeof copy.info.description === 'string' ? copy.info.description.trim() : '';
    const [first = '', ...rest] = intro.split(/\n\s*\n/);
    const start =
      `**Start here:** [${guide.title}](${guide.href}). Every operation below has **Try it in the sandbox**: ` +
      "it sends to a sandbox deployment's `link` + `/inference`, with the access token you use for the API.";
    copy.info.description = `${[first, start, ...rest].filter(Boolean).join('\n\n')}\n`;
  }
  return copy;
}
