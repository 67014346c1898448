import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument } from '@sgi/spec';
import { type LoadedBundle, type Prepared, preparedValue, requireWithCodeCache } from './compile-cache.js';
import type * as Vendor from './vendor/prism.js';

let prism: LoadedBundle<typeof Vendor> | undefined;

/**
 * Prism's server, router, validator and their dependencies: in the published package one bundled
 * file (`dist/vendor/prism.cjs`) read with V8's code cache; run from source, the installed packages.
 */
function loadPrism(): LoadedBundle<typeof Vendor> {
  if (prism) return prism;
  const bundled = fileURLToPath(new URL('./vendor/prism.cjs', import.meta.url));
  if (existsSync(bundled)) {
    prism = requireWithCodeCache<typeof Vendor>(bundled);
  } else {
    const load = createRequire(import.meta.url);
    const names = ['@stoplight/prism-core', '@stoplight/prism-http', '@stoplight/prism-http-server'];
    const exports = Object.assign({}, ...names.map((name) => load(name)), {
      forward: load('@stoplight/prism-http/dist/forwarder/index.js').default,
      inject: load('light-my-request').inject,
      Ajv2020: load('ajv/dist/2020.js').Ajv2020,
    }) as typeof Vendor;
    prism = { exports, fromCache: false, saveCache: () => {} };
  }
  return prism;
}

/** Ajv's JSON Schema 2020-12 validator, from the same bundle as Prism (no module of its own to load). */
export function vendoredAjv(): (typeof Vendor)['Ajv2020'] {
  return loadPrism().exports.Ajv2020;
}

/** A request handler that Prism's proxy calls in process (the sandbox's backend). */
export type InProcessHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How Prism runs: serving examples (`mock`), validating a real upstream over HTTP (`proxy`), or
 * validating a handler of this process (`sandbox`), called without any socket in between. A proxy
 * turns a response that breaks the spec into an error, unless `passThrough`: then it forwards every
 * request and answer as they are (no CORS headers added) and only reports violations in its
 * `sl-violations` header (a handler's too: how the validating proxy checks what a known bare answer
 * carries).
 */
export type PrismMode =
  | { kind: 'mock' }
  | { kind: 'proxy'; upstream: string; passThrough?: boolean }
  | { kind: 'sandbox'; handler: InProcessHandler; passThrough?: boolean };

type Forward = typeof Vendor.forward;
/** Prism's forward steps: the request (with its failed validations), then the logger, then the call. */
type ForwardResult = Awaited<ReturnType<ReturnType<ReturnType<Forward>>>>;

/** Hop-by-hop headers, which Prism's forwarder leaves out of an upstream's answer too. */
const HOP_BY_HOP = new Set([
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'upgrade',
  'content-encoding',
  'content-length',
]);
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Prism's forwarding component with the upstream in this process: Prism still validates the request
 * before and the answer after (and answers 401/422 itself when the request fails, through its own
 * forwarder, which then calls nothing), but the request reaches `handler` as a call instead of an
 * HTTP request over loopback.
 */
function inProcessForward(vendor: typeof Vendor, handler: InProcessHandler): Forward {
  return (params, baseUrl, upstreamProxy, resource) => {
    const input = params.data;
    const method = input.method.toUpperCase();
    const hasBody = input.body !== undefined && input.body !== null;
    if (params.validations.length > 0 || ((method === 'GET' || method === 'HEAD') && hasBody)) {
      return vendor.forward(params, baseUrl, upstreamProxy, resource);
    }
    return () => async (): Promise<ForwardResult> => {
      try {
        const query = new URLSearchParams();
        for (const [name, value] of Object.entries(input.url.query ?? {})) {
          for (const v of Array.isArray(value) ? value : [value]) query.append(name, String(v));
        }
        const search = query.toString();
        const headers = { ...input.headers };
        delete headers.host;
        delete headers['content-length'];
        const answer = await vendor.inject(handler, {
          method: method as 'GET',
          url: `${input.url.path}${search ? `?${search}` : ''}`,
          headers,
          ...(hasBody
            ? { payload: typeof input.body === 'string' ? input.body : JSON.stringify(input.body) }
            : {}),
        });
        const type = String(answer.headers['content-type'] ?? '');
        const body =
          answer.statusCode !== 204 && JSON_TYPE.test(type) && answer.payload
            ? JSON.parse(answer.payload)
            : answer.payload;
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) {
            out[name] = Array.isArray(value) ? value.join(',') : String(value);
          }
        }
        if (resource?.deprecated && !out.deprecation) out.deprecation = 'true';
        return {
          _tag: 'Right',
          right: { statusCode: answer.statusCode, headers: out, body },
        } as ForwardResult;
      } catch (error) {
        return {
          _tag: 'Left',
          left: error instanceof Error ? error : new Error(String(error)),
        } as ForwardResult;
      }
    };
  };
}

/** A running Prism on a loopback port. */
export interface RunningPrism {
  url: string;
  close(): Promise<void>;
}

/**
 * Prism's operations of `document` (its paths, parameters and schemas, every `$ref` resolved): made once
 * and then read from the compile cache, next to Prism's compiled code, on every start with the same
 * bundle and document (making them is most of Prism's start-up work).
 */
async function preparedOperations(
  loaded: LoadedBundle<typeof Vendor>,
  document: OpenApiDocument,
): Promise<Prepared<Awaited<ReturnType<(typeof Vendor)['getHttpOperationsFromSpec']>>>> {
  const make = () => loaded.exports.getHttpOperationsFromSpec(document);
  if (!loaded.identity) return { value: await make(), fromCache: false, saved: false };
  const spec = createHash('sha256').update(JSON.stringify(document)).digest('hex');
  return preparedValue(`prism operations ${loaded.identity} ${spec}`, make);
}

/** How long after a start the code V8 compiled for Prism is saved for the next start (first requests included). */
const SAVE_COMPILED_AFTER_MS = 1000;

/**
 * Starts Prism on `127.0.0.1` (a free port) for the bundled spec `document` (parsed JSON, which Prism
 * dereferences in place: pass a copy), with request validation, security checks and, in proxy and
 * sandbox modes, response validation that turns any violation into an error (`--errors`).
 */
export async function startPrism(document: OpenApiDocument, mode: PrismMode): Promise<RunningPrism> {
  const loaded = loadPrism();
  const { createLogger, createServer } = loaded.exports;
  const prepared = await preparedOperations(loaded, document);
  const operations = prepared.value;
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: mode.kind !== 'mock' && !('passThrough' in mode && mode.passThrough),
    upstreamProxy: undefined,
    mock: { dynamic: false },
  };
  const config =
    mode.kind === 'mock'
      ? { ...shared, isProxy: false as const }
      : {
          ...shared,
          isProxy: true as const,
          // In sandbox mode nothing is sent to this address: the forwarder below calls the handler.
          upstream: new URL(mode.kind === 'proxy' ? mode.upstream : 'http://sandbox.invalid'),
        };
  const logger = createLogger('PRISM', { level: 'silent' });
  const components =
    mode.kind === 'sandbox'
      ? { logger, forward: inProcessForward(loaded.exports, mode.handler) }
      : { logger };
  const cors = !('passThrough' in mode && mode.passThrough);
  const server = createServer(operations, { cors, config, components });
  const url = await server.listen(0, '127.0.0.1');
  // The code is saved by a start that read the operations from the cache (or cannot cache them), so that
  // it holds what every later start runs, not the code that made the operations once.
  if (prepared.fromCache || !prepared.saved)
    setTimeout(() => loaded.saveCache(), SAVE_COMPILED_AFTER_MS).unref();
  return { url, close: () => server.close() };
}
