// An ES module that uses @sgi/spec as the README shows: the entry point and the JSON export.

import { existsSync } from 'node:fs';
import { loadSpec, specJsonPath, specYamlPath } from '@sgi/spec';
import bundled from '@sgi/spec/openapi.json' with { type: 'json' };

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
    files: [specJsonPath, specYamlPath].map((p) => existsSync(p)),
  }),
);
