// @ts-nocheck
// The words of the body check: Ajv's errors for a request body (from the validators compiled from the
// spec) as one line per problem, the way the sandbox names them. Defines `sgiDescribeBodyErrors`; loaded
// by the reference page before its script, and run as is by the tests.
(() => {
  /** Ajv's errors as one line per problem: "one of these" rules read as one problem. */
  function describe(errors, body) {
    const lines = new Map();
    const under = (e, path) => e.instancePath === path || e.instancePath.startsWith(`${path}/`);
    const field = (pointer, extra) => {
      const keys = pointer
        .split('/')
        .slice(1)
        .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
      if (extra !== undefined) keys.push(String(extra));
      return keys.length === 0 ? 'the body' : keys.join('.');
    };
    // Unknown fields first: a misspelt field is the likeliest cause of everything else.
    const sorted = [...errors].sort(
      (a, b) => Number(b.keyword === 'unevaluatedProperties') - Number(a.keyword === 'unevaluatedProperties'),
    );
    const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    for (const error of sorted) {
      if (['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(error.keyword)) continue;
      if (error.keyword === 'type' && error.params.type === 'null') continue;
      if (error.keyword === 'required') {
        // A field required by one branch of "one of these" reads as one problem, once.
        const group = alternatives.find(
          (a) =>
            a.instancePath === error.instancePath &&
            error.schemaPath.startsWith(a.schemaPath.replace(/\/(anyOf|oneOf)$/, '')),
        );
        const missing = errors
          .filter((e) => e.keyword === 'required' && e.instancePath === error.instancePath)
          .map((e) => e.params.missingProperty);
        if (group && missing.length > 1) {
          const present = body && typeof body === 'object' ? Object.keys(body) : [];
          if (!missing.some((m) => present.includes(m))) {
            lines.set(`${field(error.instancePath)}: needs one of ${[...new Set(missing)].join(', ')}`, true);
            continue;
          }
        }
        lines.set(`${field(error.instancePath, error.params.missingProperty)}: required`, true);
        continue;
      }
      if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
        const name = error.params.unevaluatedProperty ?? error.params.additionalProperty;
        lines.set(`${field(error.instancePath, name)}: not a field of this request (misspelt?)`, true);
      } else if (error.keyword === 'enum') {
        lines.set(
          `${field(error.instancePath)}: must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
          true,
        );
      } else if (
        error.keyword === 'type' &&
        errors.some((e) => e !== error && e.instancePath.startsWith(`${error.instancePath}/`))
      ) {
      } else {
        lines.set(`${field(error.instancePath)}: ${error.message}`, true);
      }
    }
    void under;
    return [...lines.keys()];
  }

  globalThis.sgiDescribeBodyErrors = describe;
})();
