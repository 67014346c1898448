// @ts-check
/**
 * The code samples the reference shows: the spec's own (`x-codeSamples`: curl, TypeScript, Python), and
 * for an operation whose request body has several examples, the same samples with the body of each
 * example, so that the sample under the example picker always sends the example the picker names.
 * The spec's sample is written for its first example; another example's sample is that sample with the
 * body replaced (the rest, such as how the base URL, token and id are read, stays word for word).
 */

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The languages of the samples, by their `label` in `x-codeSamples`. */
export const sampleLanguages = /** @type {const} */ (['curl', 'TypeScript', 'Python']);

/**
 * @typedef {{ name: string, summary: string, samples: Record<string, string> }} ExampleSamples
 * @typedef {{ samples: Record<string, string>, examples: ExampleSamples[] }} OperationSamples
 */

/**
 * Every operation's samples, by operationId: the spec's, and one set per request body example (the
 * first example's set is the spec's own).
 * @param {any} spec the bundled spec
 * @returns {Record<string, OperationSamples>}
 */
export function operationSamples(spec) {
  /** @type {Record<string, OperationSamples>} */
  const out = {};
  for (const item of Object.values(spec.paths ?? {})) {
    for (const method of methods) {
      const op = item?.[method];
      if (!op?.operationId) continue;
      /** @type {Record<string, string>} */
      const samples = {};
      for (const s of op['x-codeSamples'] ?? []) samples[s.label ?? s.lang] = String(s.source);
      const body = resolve(spec, op.requestBody);
      const examples = Object.entries(body?.content?.['application/json']?.examples ?? {}).map(
        ([name, example]) => /** @type {[string, any]} */ ([name, resolve(spec, example)]),
      );
      out[op.operationId] = {
        samples,
        examples: examples.map(([name, example], i) => ({
          name,
          summary: String(/** @type {any} */ (example).summary ?? name),
          samples:
            i === 0
              ? samples
              : Object.fromEntries(
                  Object.entries(samples).map(([label, source]) => [
                    label,
                    withBody(label, source, /** @type {any} */ (example).value),
                  ]),
                ),
        })),
      };
    }
  }
  return out;
}

/** `node`, or what its `$ref` (a local JSON pointer) points at. */
export function resolve(/** @type {any} */ spec, /** @type {any} */ node) {
  let out = node;
  for (let i = 0; out && typeof out.$ref === 'string' && i < 10; i++) {
    out = out.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((/** @type {string} */ k) => k.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((/** @type {any} */ o, /** @type {string} */ k) => o?.[k], spec);
  }
  return out;
}

/**
 * A sample with its request body replaced by `value`. Each language's sample marks its body the same
 * way: curl sends a here-document (`<<'JSON'` ... `JSON`), Python builds `deployment = {` ... `}`, and
 * TypeScript passes an object literal to `client.inference.create(` ... `});`.
 * @param {string} label `curl`, `TypeScript` or `Python`
 * @param {string} source the spec's sample
 * @param {unknown} value the body to send
 */
export function withBody(label, source, value) {
  /** @type {[RegExp, (v: unknown) => string]} */
  const [pattern, render] =
    label === 'curl'
      ? [/(<<'JSON'\n)[\s\S]*?(\nJSON\n)/, (v) => JSON.stringify(v, null, 2)]
      : label === 'Python'
        ? [/(\n\w+ = )\{[\s\S]*?\n\}(\n)/, (v) => pythonLiteral(v)]
        : label === 'TypeScript'
          ? [/(client\.inference\.create\()\{[\s\S]*?\n\}(\);\n)/, (v) => jsLiteral(v)]
          : [/$^/, () => ''];
  if (!pattern.test(source)) throw new Error(`The ${label} sample has no request body to replace`);
  return source.replace(pattern, (_, before, after) => `${before}${render(value)}${after}`);
}

/** `value` as a Python literal (JSON with `True`, `False` and `None`; 4 spaces per level). */
export function pythonLiteral(/** @type {unknown} */ value) {
  return JSON.stringify(value, null, 4).replace(
    /"(?:[^"\\]|\\.)*"|\btrue\b|\bfalse\b|\bnull\b/g,
    (token) => ({ true: 'True', false: 'False', null: 'None' })[token] ?? token,
  );
}

/**
 * `value` as a JavaScript literal in the project's style (single quotes, bare keys, trailing commas).
 * @returns {string}
 */
export function jsLiteral(/** @type {unknown} */ value, indent = '') {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${jsLiteral(v, inner)},\n`).join('')}${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const key = (/** @type {string} */ k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${jsLiteral(v, inner)},\n`).join('')}${indent}}`;
  }
  if (typeof value === 'string') return quote(value);
  return JSON.stringify(value);
}

function quote(/** @type {string} */ text) {
  const json = JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${json}'`;
}

/**
 * What the reference page's script needs about each operation (`assets/reference.js`): where Redoc
 * shows it, how to build its request in "Try it", and its samples per request example.
 * @param {any} spec the bundled spec
 * @param {(operationId: string) => string} routeOf the reference's route of an operation
 */
export function referenceData(spec, routeOf) {
  const samples = operationSamples(spec);
  /** @type {Record<string, any>} */
  const operations = {};
  let createOperation;
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of methods) {
      const op = item?.[method];
      if (!op?.operationId) continue;
      const id = op.operationId;
      if (method === 'post' && path.endsWith('/create')) createOperation = id;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p) => resolve(spec, p))
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => {
          const schema = resolve(spec, p.schema) ?? {};
          const values = schema.enum ?? (schema.type === 'boolean' ? [false, true] : undefined);
          return {
            name: p.name,
            in: p.in,
            required: Boolean(p.required),
            example: p.example ?? schema.example,
            default: schema.default,
            ...(values ? { enum: values.map(String) } : {}),
          };
        });
      const body = resolve(spec, op.requestBody)?.content?.['application/json'];
      const examples = Object.entries(body?.examples ?? {}).map(([name, e], i) => {
        const example = resolve(spec, e);
        return {
          name,
          summary: String(example.summary ?? name),
          value: example.value,
          samples: samples[id]?.examples[i]?.samples ?? {},
        };
      });
      operations[id] = {
        id,
        method,
        path,
        summary: String(op.summary ?? id),
        route: routeOf(id),
        parameters,
        hasBody: Boolean(body),
        examples,
        samples: samples[id]?.samples ?? {},
      };
    }
  }
  return { operations, createOperation };
}
