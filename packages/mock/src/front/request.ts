/**
 * The front door's checks of what a request asks for, once its body is known to be JSON: fields the spec
 * does not know, the sandbox's own headers, Prism's switches, and the sandbox's chaos.
 */
import { unknownFieldErrors } from '../checks.js';
import { invalidFieldsMessage } from '../errors.js';
import { type FrontCall, headerErrorsOf, switchesOf } from './call.js';
import { refuse, type Verdict } from './stage.js';

/**
 * `unknown-fields`: a create body with a field the spec does not know, at any depth, is refused 422 naming
 * each one (Prism's validator ignores `unevaluatedProperties`).
 */
export function checkUnknownFields(call: FrontCall): Verdict {
  if (call.body.length === 0) return undefined;
  const operation = call.options.facts.operationOf(call.method, call.pathname);
  if (operation?.template !== '/sg_inf/create') return undefined;
  const unknown = unknownFieldErrors(call.parsed, call.options.facts);
  return unknown.length > 0 ? refuse(422, invalidFieldsMessage(unknown), { errors: unknown }) : undefined;
}

/** `sandbox-headers`: an `X-Sandbox-Chaos`, `-Outcome` or `-Quirks` header that means nothing is refused 400 naming it. */
export function checkSandboxHeaders(call: FrontCall): Verdict {
  const errors = headerErrorsOf(call);
  return errors.length > 0 ? refuse(400, invalidFieldsMessage(errors), { errors }) : undefined;
}

/**
 * `switches`: Prism's switches that would generate data (`dynamic`, `seed`), or a `code` or `example` the
 * operation does not document, are refused 422 naming the switch; only the meaningful ones go on.
 */
export function checkSwitches(call: FrontCall): Verdict {
  const switches = switchesOf(call);
  if (!('errors' in switches)) return undefined;
  return refuse(422, invalidFieldsMessage(switches.errors), { errors: switches.errors });
}

/**
 * `chaos`: a share of calls (`X-Sandbox-Chaos`, else the server's `chaos`) is refused at random, half 429
 * and half 503, with `Retry-After: 1`, as a busy service would.
 */
export function injectChaos(call: FrontCall, random: () => number = Math.random): Verdict {
  const chaos = chaosRate(call.req.headers['x-sandbox-chaos'], call.options.chaos);
  if (!(chaos > 0 && random() < chaos)) return undefined;
  const status = random() < 0.5 ? 429 : 503;
  const message =
    status === 429
      ? 'Too many requests (sandbox chaos): retry after 1 second.'
      : 'The service is temporarily unavailable (sandbox chaos): retry after 1 second.';
  return refuse(status, message, { headers: { 'Retry-After': '1' } });
}

/** The chaos share for one call: the `X-Sandbox-Chaos` header (0 to 1) when valid, else the server's. */
export function chaosRate(header: string | string[] | undefined, fallback: number): number {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return header !== undefined && Number.isFinite(value) && value >= 0 && value <= 1 ? value : fallback;
}
