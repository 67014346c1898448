import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envelope, sendJson } from './errors.js';
import { forward, passOn, playQuirks, translate } from './front/answer.js';
import { type FrontCall, type FrontOptions, newCall } from './front/call.js';
import {
  checkContentType,
  checkCredentials,
  checkJsonShape,
  checkPath,
  checkUrl,
  decodeUtf8,
  parseJson,
  readBodyWithin,
} from './front/intake.js';
import { checkSandboxHeaders, checkSwitches, checkUnknownFields, injectChaos } from './front/request.js';
import { ANSWERED, runStages, type Stage } from './front/stage.js';
import { upstreamAgent } from './upstream.js';

export type { ContractViolation, FrontOptions } from './front/call.js';
export {
  discardRest,
  LINGER_MAX_BYTES,
  LINGER_MS,
  LINGER_TOTAL_MS,
  lingering,
} from './front/intake.js';

/** A new request id (`req_` and 32 hex digits). */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/**
 * The front door's stages, in the order a request meets them (the README's list of what the mock refuses
 * names them in the same order): each refuses the request with its envelope or passes it on.
 */
export const FRONT_STAGES: readonly Stage<FrontCall>[] = [
  { name: 'url', run: checkUrl },
  { name: 'path', run: checkPath },
  { name: 'body-size', run: readBodyWithin },
  { name: 'credentials', run: checkCredentials },
  { name: 'content-type', run: checkContentType },
  { name: 'utf-8', run: decodeUtf8 },
  { name: 'json', run: parseJson },
  { name: 'json-shape', run: checkJsonShape },
  { name: 'unknown-fields', run: checkUnknownFields },
  { name: 'sandbox-headers', run: checkSandboxHeaders },
  { name: 'switches', run: checkSwitches },
  { name: 'chaos', run: (call) => injectChaos(call) },
  { name: 'forward', run: forward },
  { name: 'translate', run: translate },
  { name: 'quirks', run: playQuirks },
];

/**
 * The thin layer in front of Prism that partners talk to: it enforces the documented limits (body size,
 * JSON, nesting, unknown fields), optionally injects 429/503 chaos, forwards everything else to Prism,
 * and rewrites Prism's own error shapes into the spec's error envelope, naming each offending field.
 * Each of these is one of {@link FRONT_STAGES}.
 */
export function frontHandler(options: FrontOptions) {
  const upstream = { url: new URL(options.upstream), agent: upstreamAgent() };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The hosting layer in front may have named the request already.
    const requestId = String(res.getHeader('X-Request-Id') ?? newRequestId());
    res.setHeader('X-Request-Id', requestId);
    const call = newCall(req, res, options, upstream);
    const verdict = await runStages(FRONT_STAGES, call);
    if (verdict === ANSWERED) return;
    if (verdict === undefined) return passOn(call, requestId);
    sendJson(
      res,
      verdict.status,
      { ...envelope(verdict.message, verdict.errors), request_id: requestId },
      verdict.headers,
    );
    verdict.after?.();
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
  return { handler, close: () => upstream.agent.destroy() };
}
