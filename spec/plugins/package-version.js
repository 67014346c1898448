// A Redocly plugin: its decorator `sgi/package-version` writes the version of `@sgi/spec` (this folder's
// package.json) into the API description's bundle (`openapi/openapi.yaml`) as its `info.version`, so that
// the API's version is the package's version, the one `changeset version` sets, with nothing to remember.
// `redocly bundle` applies it (`redocly.yaml`).
import { readFileSync } from 'node:fs';

/** The version in `spec/package.json`, read when the bundle is made. */
export function packageVersion() {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`spec/package.json has no semver version (got ${JSON.stringify(version)})`);
  }
  return version;
}

export default function sgiPlugin() {
  return {
    id: 'sgi',
    decorators: {
      oas3: {
        'package-version': () => ({
          Info: {
            leave(info, ctx) {
              // The API's own description only: the model endpoint's document (endpoint/) keeps its version.
              if (/[\\/]openapi[\\/]openapi\.yaml$/.test(ctx.location.source.absoluteRef)) {
                info.version = packageVersion();
              }
            },
          },
        }),
      },
    },
  };
}
