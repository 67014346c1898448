// A CommonJS module that uses @sgi/spec: require() of the entry point and of the JSON export.
const { loadSpec, specJsonPath } = require('@sgi/spec');
const bundled = require('@sgi/spec/openapi.json');

const spec = loadSpec();
console.log(
  JSON.stringify({
    openapi: spec.openapi,
    operations: Object.values(spec.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([key]) => ['get', 'put', 'post', 'delete', 'patch'].includes(key))
        .map(([, op]) => op.operationId),
    ),
    sameAsJsonExport: JSON.stringify(spec) === JSON.stringify(bundled),
    jsonPath: specJsonPath,
  }),
);
