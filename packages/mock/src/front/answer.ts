/**
 * The front door's last stages: the hop to Prism, and what is done with Prism's answer on its way back
 * (its own error shapes rewritten as the spec's envelope, production's known drifts played back).
 */
import { CORS_RESPONSE_HEADERS } from '../cors.js';
import { type FieldError, invalidFieldsMessage, MAX_FIELD_ERRORS, UNAUTHORIZED } from '../errors.js';
import { productionAnswer } from '../quirks.js';
import type { Switches } from '../switches.js';
import { type Answer, sendUpstream } from '../upstream.js';
import { fieldErrors, type PrismViolation, parseViolationHeader } from '../violations.js';
import { type FrontCall, switchesOf } from './call.js';
import { ANSWERED, type Refusal, refuse, type Verdict } from './stage.js';

/** How long the front waits for Prism; Prism always answers far sooner unless something is broken. */
const FORWARD_TIMEOUT_MS = 15_000;

/**
 * `forward`: sends the request on to Prism with only the meaningful switches, and keeps its answer; when
 * the client went away meanwhile, the request stops here (nobody to answer, Prism's answer is dropped).
 */
export async function forward(call: FrontCall): Promise<Verdict> {
  const { req, body } = call;
  // Refused switches stopped the request at the `switches` stage.
  const switches = switchesOf(call) as Switches;
  const headers = { ...req.headers };
  delete headers.prefer;
  if (switches.prefer) headers.prefer = switches.prefer;
  delete headers.host;
  delete headers.connection;
  delete headers['keep-alive'];
  delete headers['transfer-encoding'];
  delete headers.expect;
  delete headers['content-length'];
  if (body.length > 0) {
    headers['content-length'] = String(body.length);
    headers['content-type'] = 'application/json'; // the front has read it as UTF-8 JSON
  }
  call.answer = await sendUpstream({
    upstream: call.upstream.url,
    method: req.method,
    path: switches.url,
    headers,
    body,
    agent: call.upstream.agent,
    timeoutMs: FORWARD_TIMEOUT_MS,
    name: 'Prism',
    client: call.res,
    retryReusedSocket: true,
  });
  return call.res.destroyed ? ANSWERED : undefined;
}

/**
 * `translate`: Prism's own error shapes, rewritten as the spec's envelope: a response that breaks the
 * spec (500, and reported), request violations (422 naming each field), Prism's 401, 404 and 405;
 * undefined to pass the answer on as it is.
 */
export function translate(call: FrontCall): Refusal | undefined {
  const answer = call.answer as Answer;
  const { method, pathname, options } = call;
  const type = String(answer.headers['content-type'] ?? '');
  const header = answer.headers['sl-violations'];
  const fromHeader = parseViolationHeader(Array.isArray(header) ? header[0] : header);
  let problem: { title?: string; detail?: string; type?: string; validation?: PrismViolation[] } | undefined;
  if (type.includes('problem+json')) {
    try {
      problem = JSON.parse(answer.body.toString('utf8'));
    } catch {
      problem = {};
    }
  }
  // Prism's proxy leaves the `request` prefix off the locations of its request violations.
  // and sometimes any location at all (a missing body).
  const violations = (problem?.validation ?? fromHeader ?? []).map((v) => {
    const location = Array.isArray(v.location) ? v.location : [];
    const side = location[0];
    return {
      ...v,
      location: side === 'request' || side === 'response' ? location : ['request', ...location],
    };
  });
  const shortPath = pathname.length > 200 ? `${pathname.slice(0, 200)}...` : pathname;

  const responseViolations = violations.filter((v) => v.location[0] === 'response');
  if (problem && answer.status >= 500 && responseViolations.length > 0) {
    const errors: FieldError[] = responseViolations.slice(0, MAX_FIELD_ERRORS).map((v) => ({
      field: v.location.map(String).join('.').replace(/\s/g, '_'),
      message: v.message,
      ...(typeof v.code === 'string'
        ? { code: v.code.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() }
        : {}),
    }));
    options.onContractViolation({ method, path: pathname, status: answer.status, violations: errors });
    return refuse(
      500,
      `The sandbox produced a response to ${method} ${shortPath} that breaks the API spec; it was not served.`,
      { errors },
    );
  }

  if (answer.status >= 400 && answer.status < 500 && answer.status !== 401) {
    const requestViolations = violations.filter((v) => v.location[0] === 'request');
    if (requestViolations.length > 0) {
      const errors = fieldErrors(requestViolations, call.parsed, options.facts.exclusiveFields);
      if (errors.length > 0) return refuse(422, invalidFieldsMessage(errors), { errors });
      const said = requestViolations.map((v) => v.message).join('; ');
      return refuse(answer.status, `The request is invalid: ${said}`.slice(0, 1000));
    }
    if (header && !fromHeader && answer.status === 422) {
      return refuse(422, 'The request is invalid in too many ways to list them all.');
    }
  }
  if (!problem) return undefined;
  if (answer.status === 401) return refuse(401, UNAUTHORIZED);
  if (
    problem.type?.endsWith('NO_PATH_MATCHED_ERROR') ||
    problem.type?.endsWith('NO_RESOURCE_PROVIDED_ERROR')
  ) {
    return refuse(404, `No such route: ${method} ${shortPath}.`);
  }
  if (problem.type?.endsWith('NO_METHOD_MATCHED_ERROR')) {
    return refuse(405, `${method} is not allowed on ${shortPath}.`);
  }
  const status = answer.status >= 400 ? answer.status : 500;
  return refuse(status, (problem.detail || problem.title || 'The request failed.').slice(0, 1000));
}

/**
 * `quirks`: when the call asks for production's drifts (`X-Sandbox-Quirks`, else the server's
 * `productionQuirks`) and one applies to this answer, answers as production does instead.
 */
export function playQuirks(call: FrontCall): Verdict {
  const { req, res, options } = call;
  const answer = call.answer as Answer;
  if (!quirksWanted(req.headers['x-sandbox-quirks'], options.productionQuirks)) return undefined;
  const quirk = productionAnswerOf(call, answer);
  if (!quirk) return undefined;
  const headers = passedHeaders(answer);
  if (quirk.body === undefined) {
    delete headers['content-type'];
    res.writeHead(quirk.status, headers);
    res.end();
    return ANSWERED;
  }
  const out = Buffer.from(JSON.stringify(quirk.body));
  res.writeHead(quirk.status, { ...headers, 'Content-Length': String(out.length) });
  res.end(out);
  return ANSWERED;
}

/** Passes Prism's answer on as it is (an error envelope gains the request's id). */
export function passOn(call: FrontCall, requestId: string): void {
  const answer = call.answer as Answer;
  const out = withRequestId(answer, requestId);
  call.res.writeHead(answer.status, { ...passedHeaders(answer), 'Content-Length': String(out.length) });
  call.res.end(out);
}

/** Prism's answer's headers that go on to the caller: not its framing, request id or CORS headers. */
function passedHeaders(answer: Answer): Record<string, string | string[] | undefined> {
  const headers = { ...answer.headers };
  for (const name of ['x-request-id', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'])
    delete headers[name];
  for (const name of CORS_RESPONSE_HEADERS) delete headers[name];
  return headers;
}

/** Production's answer in place of this contract answer, when one of its known drifts applies to it. */
function productionAnswerOf(call: FrontCall, answer: Answer) {
  const operation = call.options.facts.operationOf(call.method, call.pathname);
  if (!operation || !String(answer.headers['content-type'] ?? '').includes('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
  return productionAnswer(operation.operationId, { status: answer.status, body });
}

/**
 * An error answer in the spec's envelope carries the request's id in its body too (the sandbox's own
 * 401/403/404/409 and Prism's examples); any other answer is passed on as it is.
 */
function withRequestId(
  answer: { status: number; headers: Record<string, unknown>; body: Buffer },
  id: string,
) {
  if (answer.status < 400 || !String(answer.headers['content-type'] ?? '').includes('json'))
    return answer.body;
  try {
    const body: unknown = JSON.parse(answer.body.toString('utf8'));
    if (!body || typeof body !== 'object' || (body as { success?: unknown }).success !== false)
      return answer.body;
    if (typeof (body as { request_id?: unknown }).request_id === 'string') return answer.body;
    return Buffer.from(JSON.stringify({ ...body, request_id: id }));
  } catch {
    return answer.body;
  }
}

/** Whether one call plays production's drifts back: `X-Sandbox-Quirks` when given (valid: checked before), else the server's flag. */
function quirksWanted(header: string | string[] | undefined, fallback = false): boolean {
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  return value === undefined ? fallback : value === 'production';
}
