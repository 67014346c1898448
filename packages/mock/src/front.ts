import { randomUUID } from 'node:crypto';
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import {
  type ErrorEnvelope,
  envelope,
  type FieldError,
  invalidFieldsMessage,
  sendJson,
  UNAUTHORIZED,
} from './errors.js';
import { jsonDepthExceeds } from './limits.js';
import type { SpecFacts } from './spec.js';
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
  /** Share (0 to 1) of calls answered 429 or 503 with `Retry-After`; `X-Sandbox-Chaos` overrides it per call. */
  chaos: number;
  /** Routes the front answers itself (the sandbox's reset); returns true when it answered. */
  ownRoute?: (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean | Promise<boolean>;
  /** Called for every response Prism refused because it broke the spec. */
  onContractViolation: (violation: ContractViolation) => void;
}

/** How long the front waits for Prism; Prism always answers far sooner unless something is broken. */
const FORWARD_TIMEOUT_MS = 15_000;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** The request's body, or the reason it cannot be read. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return 'too large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
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
    // No route of the API starts with `//` or holds a backslash; URL parsers read those as another host.
    if (!pathname.startsWith('/') || pathname.startsWith('//') || pathname.includes('\\')) {
      req.resume();
      return fail(404, envelope(`No such route: ${method} ${pathname.slice(0, 200)}.`));
    }
    if (options.ownRoute && (await options.ownRoute(req, res, requestId))) return;

    const body = await readBody(req, options.maxBodyBytes);
    if (body === 'too large') {
      res.setHeader('Connection', 'close');
      fail(
        413,
        envelope(`The request body is larger than the limit of ${options.maxBodyBytes} bytes.`, [
          { field: 'body', message: `must be at most ${options.maxBodyBytes} bytes`, code: 'max_size' },
        ]),
      );
      req.destroy();
      return;
    }

    let parsed: unknown;
    // Credentials come first, as on the real service: a caller without a bearer token learns that,
    // not what is wrong with its body. (Prism checks the same for every route it answers.)
    if (body.length > 0 && !/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) {
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
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (error) {
        return fail(400, envelope(`The request body is not valid JSON: ${jsonErrorReason(error as Error)}.`));
      }
      if (jsonDepthExceeds(parsed, options.maxDepth)) {
        return fail(400, envelope(`The request body is nested deeper than ${options.maxDepth} levels.`));
      }
      if (method === 'POST' && pathname === '/sg_inf/create' && parsed && typeof parsed === 'object') {
        const unknown = Array.isArray(parsed) ? [] : options.facts.unknownCreateFields(parsed);
        if (unknown.length > 0) {
          const errors = unknown.map((field) => ({
            field: field.replace(/\s/g, '_'),
            message: 'is not a known field',
            code: 'unknown_field',
          }));
          return fail(422, envelope(invalidFieldsMessage(errors), errors));
        }
      }
    }

    const chaos = chaosRate(req.headers['x-sandbox-chaos'], options.chaos);
    if (chaos > 0 && Math.random() < chaos) {
      const status = Math.random() < 0.5 ? 429 : 503;
      const message =
        status === 429
          ? 'Too many requests (sandbox chaos): retry after 1 second.'
          : 'The service is temporarily unavailable (sandbox chaos): retry after 1 second.';
      return fail(status, envelope(message), { 'Retry-After': '1' });
    }

    const answer = await forward(req, body);
    const translated = translate(answer, method, pathname, parsed);
    if (translated) return fail(translated.status, translated.body, translated.headers);
    const headers = { ...answer.headers };
    delete headers['x-request-id'];
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    res.writeHead(answer.status, { ...headers, 'Content-Length': String(answer.body.length) });
    res.end(answer.body);
  }

  interface Answer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const headers = { ...req.headers };
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
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.setTimeout(FORWARD_TIMEOUT_MS, () =>
        out.destroy(new Error(`Prism did not answer within ${FORWARD_TIMEOUT_MS} ms`)),
      );
      out.end(body.length > 0 ? body : undefined);
    });
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
      const errors: FieldError[] = responseViolations.map((v) => ({
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
      // A failure of the mock itself: loud, and still an answer in the spec's shape.
      process.stderr.write(`sgi-mock: internal error on ${req.method} ${req.url}: ${String(error)}\n`);
      sendJson(res, 500, envelope('The mock server failed while answering this request.'));
    });
  };
  return { handler, close: () => agent.destroy() };
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
