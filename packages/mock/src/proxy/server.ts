import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { loadSpec } from '@sgi/spec';
import type { KnownDrift } from '../drift.js';
import { envelope, invalidFieldsMessage, sendJson } from '../errors.js';
import { DEFAULT_MAX_BODY_BYTES } from '../limits.js';
import { type RunningPrism, startPrism } from '../prism.js';
import { type Answer, sendUpstream, upstreamAgent } from '../upstream.js';
import { fieldErrors, type PrismViolation, parseViolationHeader } from '../violations.js';
import { operationMatcher } from './operations.js';
import { describeViolation, ProxySummary, type ProxyViolation, redact } from './report.js';

/** A JSON body, parsed; undefined when it is not JSON. */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** How to run the validating proxy. */
export interface ProxyOptions {
  /** The server to forward to, e.g. `https://prod-api.scalegen.ai`. */
  upstream: string;
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Refuse a request that breaks the spec (422, in the spec's error envelope) instead of forwarding it. */
  strict?: boolean;
  /** Largest request body forwarded, in bytes (default 1 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
  /** Called with each violation (default: a JSON line on stderr). Secrets are already redacted. */
  onViolation?: (violation: ProxyViolation) => void;
  /** Time limit of one upstream call, in ms (default 60 s). */
  timeoutMs?: number;
  /**
   * Production's accepted differences (default: `@sgi/spec`'s `known-drift.yaml`, read by
   * `@sgi/mock/drift` as the conformance run reads it). A bare get or list answer that one of them
   * accepts is reported once as known drift, and what it carries is validated as the envelope's
   * `message`. `[]` accepts none.
   */
  knownDrift?: readonly KnownDrift[];
}

/** The header that names a bare answer's re-check (see `recheck` below); never leaves the proxy. */
const RECHECK_HEADER = 'x-sgi-mock-recheck';

/** A running validating proxy. */
export interface ValidatingProxy {
  url: string;
  port: number;
  /** Counts so far. */
  summary: ProxySummary;
  /** Stops the proxy and returns its summary. */
  close(): Promise<ProxySummary>;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'expect',
  'upgrade',
];

/** The values of every `hf_token` in a JSON body (bounded walk), to keep them out of the report. */
function hfTokens(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 32 || out.length > 100 || !value || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'hf_token' && typeof child === 'string') out.push(child);
    else hfTokens(child, out, depth + 1);
  }
  return out;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * Starts a validating proxy: every request is forwarded to `upstream` as it came, every answer comes
 * back as the upstream sent it, and Prism's validating proxy checks both against the spec on the way.
 * Each violation is reported (operation, status, direction, JSON pointer, message, request id), never
 * with a secret in it. With `strict`, a request that breaks the spec is refused before it reaches the
 * upstream.
 *
 * @example
 * const proxy = await startValidatingProxy({ upstream: 'https://prod-api.scalegen.ai', port: 4020 });
 * // point the client at proxy.url; violations are JSON lines on stderr
 * const summary = await proxy.close();
 */
export async function startValidatingProxy(options: ProxyOptions): Promise<ValidatingProxy> {
  let upstream: URL;
  try {
    upstream = new URL(options.upstream);
  } catch {
    throw new Error(`upstream must be an http(s) URL (got '${options.upstream}').`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new Error(`upstream must be an http(s) URL (got '${options.upstream}').`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const report =
    options.onViolation ?? ((v: ProxyViolation) => process.stderr.write(`${JSON.stringify(v)}\n`));
  const operationOf = operationMatcher(loadSpec());
  // Loaded when a proxy starts (with its YAML parser): the sandbox starts without them.
  const { knownBareAnswer, loadKnownDrift } = await import('../drift.js');
  const drifts = options.knownDrift ?? loadKnownDrift();
  /** Bare answers waiting for their re-check, by the id in {@link RECHECK_HEADER}. */
  const rechecks = new Map<string, { status: number; type: string; body: string }>();
  const summary = new ProxySummary();
  const agent = upstreamAgent();
  const started: Array<RunningPrism | Server> = [];
  let exchanges = 0;

  const close = async () => {
    for (const s of started.reverse()) {
      if ('closeAllConnections' in s) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      } else await s.close();
    }
    agent.destroy();
    return summary;
  };

  function send(
    to: string,
    req: IncomingMessage,
    body: Buffer,
    extra: Record<string, string> = {},
  ): Promise<Answer> {
    const target = new URL(to);
    const headers = { ...req.headers, ...extra };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (body.length > 0) headers['content-length'] = String(body.length);
    return sendUpstream({
      upstream: target,
      method: req.method,
      path: req.url,
      headers,
      body,
      agent,
      timeoutMs,
      name: 'the upstream',
    });
  }

  try {
    const prism = await startPrism(loadSpec(), {
      kind: 'proxy',
      upstream: upstream.href,
      passThrough: true,
    });
    started.push(prism);
    const validator = options.strict ? await startPrism(loadSpec(), { kind: 'mock' }) : undefined;
    if (validator) started.push(validator);
    // A known bare answer goes through Prism once more, put back in its envelope, so that what it
    // carries is validated as the spec describes it: this Prism's "upstream" answers the wrapped body.
    const recheck = await startPrism(loadSpec(), {
      kind: 'sandbox',
      passThrough: true,
      handler: (req, res) => {
        req.resume();
        const id = String(req.headers[RECHECK_HEADER] ?? '');
        const pending = rechecks.get(id);
        rechecks.delete(id);
        if (!pending) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(pending.status, { 'content-type': pending.type }).end(pending.body);
      },
    });
    started.push(recheck);

    /** The violations of what a known bare answer carries, pointers into the bare body. */
    async function carried(
      req: IncomingMessage,
      body: Buffer,
      n: number,
      answer: Answer,
      wrapped: unknown,
    ): Promise<PrismViolation[]> {
      const id = String(n);
      rechecks.set(id, {
        status: answer.status,
        type: String(answer.headers['content-type'] ?? 'application/json'),
        body: JSON.stringify(wrapped),
      });
      try {
        const again = await send(recheck.url, req, body, { [RECHECK_HEADER]: id });
        const header = again.headers['sl-violations'];
        return (parseViolationHeader(Array.isArray(header) ? header[0] : header) ?? []).filter(
          (v) => describeViolation(v).direction === 'response',
        );
      } finally {
        rechecks.delete(id);
      }
    }

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      const n = ++exchanges;
      summary.exchanges = exchanges;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBodyBytes) {
          sendJson(res, 413, envelope(`The request body is larger than ${maxBodyBytes} bytes.`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      }
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let parsed: unknown;
      try {
        parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        parsed = undefined;
      }
      const bearer = /^\s*Bearer\s+(.+?)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const secrets = [...(bearer ? [bearer] : []), ...hfTokens(parsed)];
      const emit = (violations: PrismViolation[], status: number, requestId: string, knownDrift?: string) => {
        for (const v of violations) {
          const line: ProxyViolation = {
            time: new Date().toISOString(),
            requestId,
            operation: operationOf(method, path) ?? null,
            method,
            path: path.length > 300 ? `${path.slice(0, 300)}...` : path,
            status,
            ...describeViolation(v),
            ...(knownDrift ? { knownDrift } : {}),
          };
          line.message = redact(line.message, secrets);
          line.path = redact(line.path, secrets);
          line.pointer = redact(line.pointer, secrets);
          summary.add(line);
          report(line);
        }
      };

      if (validator) {
        const checked = await send(validator.url, req, body);
        const header = checked.headers['sl-violations'];
        const violations = (parseViolationHeader(Array.isArray(header) ? header[0] : header) ?? []).filter(
          (v) => describeViolation(v).direction === 'request' && describeViolation(v).location !== 'security',
        );
        if (checked.status === 422 && violations.length > 0) {
          summary.refused++;
          emit(violations, 422, `proxy-${n}`);
          const errors = fieldErrors(
            violations.map((v) => ({
              ...v,
              location: v.location?.[0] === 'request' ? v.location : ['request', ...(v.location ?? [])],
            })),
            parsed,
          );
          const refusal =
            errors.length > 0
              ? envelope(invalidFieldsMessage(errors), errors)
              : envelope('The request breaks the API spec.');
          sendJson(res, 422, {
            ...refusal,
            message: `Refused by the validating proxy (--strict): ${refusal.message}`,
          });
          return;
        }
      }

      const answer = await send(prism.url, req, body);
      const header = answer.headers['sl-violations'];
      const text = Array.isArray(header) ? header[0] : header;
      let violations = parseViolationHeader(text);
      const requestId = String(answer.headers['x-request-id'] ?? `proxy-${n}`);
      const operation = operationOf(method, path);
      const known =
        violations && operation && /[/+]json\b/.test(String(answer.headers['content-type'] ?? ''))
          ? knownBareAnswer(operation, answer.status, jsonOf(answer.body), drifts)
          : undefined;
      if (violations && known) {
        // The bare answer is production's known drift: one line that says so, then what it carries,
        // checked as the envelope's message (as the conformance run checks it).
        const inner = await carried(req, body, n, answer, known.wrapped);
        violations = violations.filter(
          (v) => describeViolation(v).direction !== 'response' || describeViolation(v).location !== 'body',
        );
        emit(violations, answer.status, requestId);
        emit(
          [
            {
              location: ['response', 'body'],
              message: 'the body is the bare result, without the {"success": true, "message": ...} envelope',
            },
          ],
          answer.status,
          requestId,
          known.drift.id,
        );
        emit(
          // `response.body.message.status` of the envelope is `status` of the bare body.
          inner.map((v) => ({
            ...v,
            message: String(v.message ?? '').replace(/\bproperty message\./, 'property '),
            ...(v.location
              ? { location: v.location.filter((part, i) => !(i === 2 && part === 'message')) }
              : {}),
          })),
          answer.status,
          requestId,
        );
      } else if (violations) emit(violations, answer.status, requestId);
      else if (text) {
        emit(
          [{ location: ['response'], message: 'too many violations to list (Prism cut its report short)' }],
          answer.status,
          requestId,
        );
      }
      const headers = { ...answer.headers };
      delete headers['sl-violations'];
      for (const name of HOP_BY_HOP) delete headers[name];
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    };

    const server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        process.stderr.write(
          `sgi-mock proxy: ${req.method} ${(req.url ?? '').slice(0, 200)}: ${(error as Error).message}\n`,
        );
        sendJson(res, 502, envelope('The validating proxy could not reach the upstream.'));
      });
    });
    started.push(server);
    const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
    const host = options.host ?? '127.0.0.1';
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, summary, close };
  } catch (error) {
    await close();
    throw error;
  }
}
