import { randomUUID } from 'node:crypto';
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathProblem, sandboxHeaderErrors, unknownFieldErrors } from './checks.js';
import { CORS_RESPONSE_HEADERS } from './cors.js';
import {
  type ErrorEnvelope,
  envelope,
  type FieldError,
  invalidFieldsMessage,
  MAX_FIELD_ERRORS,
  sendJson,
  UNAUTHORIZED,
} from './errors.js';
import { DEFAULT_MAX_JSON_VALUES, jsonShapeProblem } from './limits.js';
import { productionAnswer } from './quirks.js';
import type { SpecFacts } from './spec.js';
import { readSwitches, type Switches } from './switches.js';
import { type Answer, sendUpstream } from './upstream.js';
import { fieldErrors, type PrismViolation, parseViolationHeader } from './violations.js';

/** A response that breaks the spec, caught by Prism's validating proxy before it reached the caller. */
export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  violations: FieldError[];
}

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

/** A new request id (`req_` and 32 hex digits). */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/** How long the front waits for Prism; Prism always answers far sooner unless something is broken. */
const FORWARD_TIMEOUT_MS = 15_000;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** A bearer credential, whatever the case of its scheme (RFC 9110: the scheme is case-insensitive). */
const BEARER = /^bearer[ \t]+(\S.*)$/i;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The request's body, or the reason it cannot be read. A body over `max` is left unread from there on
 * (the stream is not destroyed: the caller answers 413 and then {@link discardRest} reads what is left).
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        done();
        req.pause();
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Most bytes of a refused body read and thrown away after its 413 (a lingering close). */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** Longest wait for the next chunk of a refused body (as nginx's `lingering_timeout`). */
export const LINGER_MS = 5000;
/** Longest a refused body is read in all (as nginx's `lingering_time`). */
export const LINGER_TOTAL_MS = 30_000;

/**
 * The connections reading and throwing away a refused body: their own bounds hold them (see
 * {@link discardRest}), not the request timeout, which would cut them while the client still sends.
 */
export const lingering = new WeakSet<Socket>();

/**
 * After a 413 sent while the client is still sending its body: reads and throws away the rest of it, up
 * to {@link LINGER_MAX_BYTES}, while the client goes on sending (a pause of {@link LINGER_MS} at most) and
 * for {@link LINGER_TOTAL_MS} in all, as nginx's lingering close; beyond any of them the connection is
 * closed, else it stays open for the next request. Closing at once would reset it while the client
 * sends, and the client would never read its 413. A pause is judged once this process has read what its
 * sockets received: a chunk that came in while its event loop was busy is not a pause.
 */
export function discardRest(req: IncomingMessage): void {
  const socket = req.socket;
  let size = 0;
  let heard = false;
  lingering.add(socket);
  const done = () => {
    clearTimeout(pause);
    clearTimeout(total);
    lingering.delete(socket);
  };
  const stop = () => {
    done();
    socket.destroy();
  };
  const pause = setTimeout(
    () =>
      setImmediate(() => {
        if (!heard) return stop();
        heard = false;
        pause.refresh();
      }),
    LINGER_MS,
  );
  pause.unref();
  const total = setTimeout(stop, LINGER_TOTAL_MS);
  total.unref();
  req.on('data', (chunk: Buffer) => {
    heard = true;
    size += chunk.length;
    if (size > LINGER_MAX_BYTES) stop();
  });
  // The whole body read, the connection is whole again: it stays open for the client's next request.
  req.on('end', done);
  req.on('error', done);
  socket.once('close', done);
  req.resume();
}

/**
 * The thin layer in front of Prism that partners talk to: it enforces the documented limits (body size,
 * JSON, nesting, unknown fields), optionally injects 429/503 chaos, forwards everything else to Prism,
 * and rewrites Prism's own error shapes into the spec's error envelope, naming each offending field.
 */
export function frontHandler(options: FrontOptions) {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The hosting layer in front may have named the request already.
    const requestId = String(res.getHeader('X-Request-Id') ?? newRequestId());
    res.setHeader('X-Request-Id', requestId);
    const fail = (status: number, body: ErrorEnvelope, headers: Record<string, string> = {}) =>
      sendJson(res, status, { ...body, request_id: requestId }, headers);
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const pathname = rawUrl.split('?')[0] ?? '/';

    try {
      decodeURIComponent(rawUrl);
      new URL(rawUrl, 'http://mock.invalid');
    } catch {
      req.resume();
      return fail(
        400,
        envelope('The request URL is not valid: it has a malformed percent-encoding or host.'),
      );
    }
    // Before any other check: a path that Prism would read as another route is refused.
    const problem = pathProblem(pathname);
    if (problem) {
      req.resume();
      return fail(404, envelope(`No such route: ${method} ${pathname.slice(0, 200)} (${problem}).`));
    }

    const body = await readBody(req, options.maxBodyBytes);
    if (body === 'too large') {
      // Not `Connection: close`: Node would close the connection as soon as the 413 is out, while the
      // client still sends. The rest of the body is read and thrown away, then the connection closed.
      fail(
        413,
        envelope(`The request body is larger than the limit of ${options.maxBodyBytes} bytes.`, [
          { field: 'body', message: `must be at most ${options.maxBodyBytes} bytes`, code: 'max_size' },
        ]),
      );
      discardRest(req);
      return;
    }

    const bearer = BEARER.exec(req.headers.authorization ?? '');
    // Prism compares the scheme case-sensitively; the front passes it on as `Bearer`.
    if (bearer) req.headers.authorization = `Bearer ${bearer[1]}`;

    let parsed: unknown;
    // Credentials come first, as on the real service: a caller without a bearer token learns that,
    // not what is wrong with its body. (Prism checks the same for every route it answers.)
    if (body.length > 0 && !bearer) {
      return fail(401, envelope(UNAUTHORIZED));
    }
    if (body.length > 0) {
      const type = req.headers['content-type'] ?? '';
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1]?.toLowerCase();
      if (JSON_TYPE.test(type) && charset && charset !== 'utf-8' && charset !== 'utf8') {
        return fail(
          400,
          envelope(`The request body must be UTF-8 JSON (got charset '${charset.slice(0, 40)}').`),
        );
      }
      if (!JSON_TYPE.test(type)) {
        return fail(
          400,
          envelope(
            `The request body must be JSON sent as 'Content-Type: application/json' (got ${type ? `'${type.slice(0, 100)}'` : 'no Content-Type'}).`,
          ),
        );
      }
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return fail(400, envelope('The request body is not valid UTF-8.'));
      }
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        return fail(400, envelope(`The request body is not valid JSON: ${jsonErrorReason(error as Error)}.`));
      }
      const maxValues = options.maxJsonValues ?? DEFAULT_MAX_JSON_VALUES;
      const shape = jsonShapeProblem(parsed, options.maxDepth, maxValues);
      if (shape === 'too deep') {
        return fail(400, envelope(`The request body is nested deeper than ${options.maxDepth} levels.`));
      }
      if (shape === 'too many values') {
        return fail(400, envelope(`The request body holds more than ${maxValues} JSON values.`));
      }
      const operation = options.facts.operationOf(method, pathname);
      if (operation?.template === '/sg_inf/create') {
        const unknown = unknownFieldErrors(parsed, options.facts);
        if (unknown.length > 0) return fail(422, envelope(invalidFieldsMessage(unknown), unknown));
      }
    }

    // The sandbox's headers and Prism's switches, checked here so that only meaningful ones go on.
    const headerErrors = sandboxHeaderErrors(req.headers);
    const switches = readSwitches(rawUrl, req.headers.prefer, options.facts.operationOf(method, pathname));
    if ((headerErrors.length > 0 || 'errors' in switches) && !bearer)
      return fail(401, envelope(UNAUTHORIZED));
    if (headerErrors.length > 0) return fail(400, envelope(invalidFieldsMessage(headerErrors), headerErrors));
    if ('errors' in switches)
      return fail(422, envelope(invalidFieldsMessage(switches.errors), switches.errors));

    const chaos = chaosRate(req.headers['x-sandbox-chaos'], options.chaos);
    if (chaos > 0 && Math.random() < chaos) {
      const status = Math.random() < 0.5 ? 429 : 503;
      const message =
        status === 429
          ? 'Too many requests (sandbox chaos): retry after 1 second.'
          : 'The service is temporarily unavailable (sandbox chaos): retry after 1 second.';
      return fail(status, envelope(message), { 'Retry-After': '1' });
    }

    const answer = await forward(req, res, body, switches);
    if (res.destroyed) return; // the client went away: nobody to answer
    const translated = translate(answer, method, pathname, parsed);
    if (translated) return fail(translated.status, translated.body, translated.headers);
    const headers = { ...answer.headers };
    for (const name of ['x-request-id', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'])
      delete headers[name];
    for (const name of CORS_RESPONSE_HEADERS) delete headers[name];
    const quirk = quirksWanted(req.headers['x-sandbox-quirks'], options.productionQuirks)
      ? productionAnswerOf(method, pathname, answer)
      : undefined;
    if (quirk) {
      if (quirk.body === undefined) {
        delete headers['content-type'];
        res.writeHead(quirk.status, headers);
        res.end();
        return;
      }
      const out = Buffer.from(JSON.stringify(quirk.body));
      res.writeHead(quirk.status, { ...headers, 'Content-Length': String(out.length) });
      res.end(out);
      return;
    }
    const out = withRequestId(answer, requestId);
    res.writeHead(answer.status, { ...headers, 'Content-Length': String(out.length) });
    res.end(out);
  }

  /** Sends the request on to Prism; stops (and Prism's answer is dropped) as soon as the client goes away. */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    switches: Switches,
  ): Promise<Answer> {
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
    return sendUpstream({
      upstream,
      method: req.method,
      path: switches.url,
      headers,
      body,
      agent,
      timeoutMs: FORWARD_TIMEOUT_MS,
      name: 'Prism',
      client: res,
      retryReusedSocket: true,
    });
  }

  /** Production's answer in place of this contract answer, when one of its known drifts applies to it. */
  function productionAnswerOf(method: string, pathname: string, answer: Answer) {
    const operation = options.facts.operationOf(method, pathname);
    if (!operation || !String(answer.headers['content-type'] ?? '').includes('json')) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return undefined;
    }
    return productionAnswer(operation.operationId, { status: answer.status, body });
  }

  /** Prism's own error shapes, rewritten as the spec's envelope; undefined to pass the answer on as it is. */
  function translate(
    answer: Answer,
    method: string,
    pathname: string,
    parsed: unknown,
  ): { status: number; body: ErrorEnvelope; headers?: Record<string, string> } | undefined {
    const type = String(answer.headers['content-type'] ?? '');
    const header = answer.headers['sl-violations'];
    const fromHeader = parseViolationHeader(Array.isArray(header) ? header[0] : header);
    let problem:
      | { title?: string; detail?: string; type?: string; validation?: PrismViolation[] }
      | undefined;
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
      return {
        status: 500,
        body: envelope(
          `The sandbox produced a response to ${method} ${shortPath} that breaks the API spec; it was not served.`,
          errors,
        ),
      };
    }

    if (answer.status >= 400 && answer.status < 500 && answer.status !== 401) {
      const requestViolations = violations.filter((v) => v.location[0] === 'request');
      if (requestViolations.length > 0) {
        const errors = fieldErrors(requestViolations, parsed, options.facts.exclusiveFields);
        if (errors.length > 0) return { status: 422, body: envelope(invalidFieldsMessage(errors), errors) };
        const said = requestViolations.map((v) => v.message).join('; ');
        return { status: answer.status, body: envelope(`The request is invalid: ${said}`.slice(0, 1000)) };
      }
      if (header && !fromHeader && answer.status === 422) {
        return { status: 422, body: envelope('The request is invalid in too many ways to list them all.') };
      }
    }
    if (!problem) return undefined;
    if (answer.status === 401) {
      return { status: 401, body: envelope(UNAUTHORIZED) };
    }
    if (
      problem.type?.endsWith('NO_PATH_MATCHED_ERROR') ||
      problem.type?.endsWith('NO_RESOURCE_PROVIDED_ERROR')
    ) {
      return { status: 404, body: envelope(`No such route: ${method} ${shortPath}.`) };
    }
    if (problem.type?.endsWith('NO_METHOD_MATCHED_ERROR')) {
      return { status: 405, body: envelope(`${method} is not allowed on ${shortPath}.`) };
    }
    const status = answer.status >= 400 ? answer.status : 500;
    return {
      status,
      body: envelope((problem.detail || problem.title || 'The request failed.').slice(0, 1000)),
    };
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // A client that went away mid-request is not a failure of the mock: nothing to log or answer.
      // (Not `req.destroyed`: a request whose body was read to its end is destroyed, its client still waits.)
      if (res.destroyed || req.socket.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A failure of the mock itself: loud, and still an answer in the spec's shape.
      process.stderr.write(`sgi-mock: internal error on ${req.method} ${req.url}: ${String(error)}\n`);
      sendJson(res, 500, {
        ...envelope('The mock server failed while answering this request.'),
        request_id: String(res.getHeader('X-Request-Id')),
      });
    });
  };
  return { handler, close: () => agent.destroy() };
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

/** The chaos share for one call: the `X-Sandbox-Chaos` header (0 to 1) when valid, else the server's. */
function chaosRate(header: string | string[] | undefined, fallback: number): number {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return header !== undefined && Number.isFinite(value) && value >= 0 && value <= 1 ? value : fallback;
}

/**
 * Why JSON.parse failed, without quoting the body: V8's messages quote a slice of it, which may hold a
 * secret such as an `hf_token` value.
 */
function jsonErrorReason(error: Error): string {
  if (/Unexpected end/.test(error.message)) return 'it ends too early';
  const position = /at position (\d+)/.exec(error.message)?.[1];
  const token = /^Unexpected token '(.)'/.exec(error.message)?.[1];
  if (position) return `unexpected character at position ${position}`;
  return token ? `unexpected character '${token}'` : 'it cannot be parsed';
}
