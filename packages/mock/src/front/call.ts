import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { sandboxHeaderErrors } from '../checks.js';
import type { FieldError } from '../errors.js';
import type { SpecFacts } from '../spec.js';
import { type RefusedSwitches, readSwitches, type Switches } from '../switches.js';
import type { Answer } from '../upstream.js';

/** What the front layer needs to know. */
export interface FrontOptions {
  /** Prism's URL on loopback. */
  upstream: string;
  facts: SpecFacts;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body; deeper ones get 400. */
  maxDepth: number;
  /** Most values a JSON body may hold (default 2,000); more get 400. Bounds the validator's work. */
  maxJsonValues?: number;
  /** Share (0 to 1) of calls answered 429 or 503 with `Retry-After`; `X-Sandbox-Chaos` overrides it per call. */
  chaos: number;
  /** Called for every response Prism refused because it broke the spec. */
  onContractViolation: (violation: ContractViolation) => void;
  /** Answer as production does today for each of its known drifts (`X-Sandbox-Quirks` overrides it per call). */
  productionQuirks?: boolean;
}

/** A response that breaks the spec, caught by Prism's validating proxy before it reached the caller. */
export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  violations: FieldError[];
}

/** One request on its way through the front's stages: what they were given, and what they learned. */
export interface FrontCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly options: FrontOptions;
  /** Prism's origin, and the agent whose kept-alive connections reach it. */
  readonly upstream: { url: URL; agent: Agent };
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly rawUrl: string;
  /** The path, without the query. */
  readonly pathname: string;
  /** The body (empty until the `body-size` stage read it). */
  body: Buffer;
  /** Whether the caller sent a bearer token (known from the `credentials` stage on). */
  bearer: boolean;
  /** The body as text, once the `utf-8` stage decoded it. */
  text?: string;
  /** The body as parsed by the `json` stage (undefined for a request without one). */
  parsed?: unknown;
  /** The sandbox's headers' errors, once read (see {@link headerErrorsOf}). */
  headerErrors?: FieldError[];
  /** Prism's switches, once read (see {@link switchesOf}). */
  switches?: Switches | RefusedSwitches;
  /** Prism's answer, once the `forward` stage has it. */
  answer?: Answer;
}

/** A new call for `req`, before any stage. */
export function newCall(
  req: IncomingMessage,
  res: ServerResponse,
  options: FrontOptions,
  upstream: FrontCall['upstream'],
): FrontCall {
  const rawUrl = req.url ?? '/';
  return {
    req,
    res,
    options,
    upstream,
    method: req.method ?? 'GET',
    rawUrl,
    pathname: rawUrl.split('?')[0] ?? '/',
    body: Buffer.alloc(0),
    bearer: false,
  };
}

/** The errors of the sandbox's own request headers (`X-Sandbox-*`), read once per call. */
export function headerErrorsOf(call: FrontCall): FieldError[] {
  call.headerErrors ??= sandboxHeaderErrors(call.req.headers);
  return call.headerErrors;
}

/** Prism's switches of the call (`Prefer`, `?__code=`...), checked against its operation, read once per call. */
export function switchesOf(call: FrontCall): Switches | RefusedSwitches {
  call.switches ??= readSwitches(
    call.rawUrl,
    call.req.headers.prefer,
    call.options.facts.operationOf(call.method, call.pathname),
  );
  return call.switches;
}
