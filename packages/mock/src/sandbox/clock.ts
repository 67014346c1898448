import type { IncomingMessage, ServerResponse } from 'node:http';
import { envelope, invalidFieldsMessage, sendJson } from '../errors.js';
import { advanceProblem, clockView, MAX_OFFSET_MS } from '../rules/clock.js';
import type { SandboxStore } from './store/types.js';

/** The clock's route. */
export const CLOCK_PATH = '/__sandbox/clock';

/** Largest body `POST /__sandbox/clock` reads. */
const MAX_BODY = 1024;

async function smallBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > MAX_BODY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * `GET /__sandbox/clock` reads the tenant's sandbox clock, `POST /__sandbox/clock` with
 * `{"advance_seconds": n}` moves it forward: `{"success": true, "message": {"now", "offset_seconds"}}`.
 */
export async function clockRoute(
  req: IncomingMessage,
  res: ServerResponse,
  store: SandboxStore,
  tenant: string,
  now: number,
): Promise<void> {
  const id = String(res.getHeader('X-Request-Id'));
  const fail = (status: number, message: string, errors?: Parameters<typeof envelope>[1]) =>
    sendJson(res, status, { ...envelope(message, errors), request_id: id });
  if (req.method === 'GET') {
    req.resume();
    return sendJson(res, 200, {
      success: true,
      message: clockView(now, await store.clockOffset(tenant, now)),
    });
  }
  if (req.method !== 'POST') {
    req.resume();
    return fail(405, `${req.method} is not allowed on ${CLOCK_PATH}: GET reads the clock, POST moves it.`);
  }
  const body = await smallBody(req);
  if (!body) {
    res.setHeader('Connection', 'close');
    req.destroy();
    return fail(413, `The request body is larger than the limit of ${MAX_BODY} bytes.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return fail(400, 'The request body must be JSON: {"advance_seconds": n}.');
  }
  const problem = advanceProblem(parsed);
  if (problem) return fail(422, invalidFieldsMessage([problem]), [problem]);
  const ms = Math.round((parsed as { advance_seconds: number }).advance_seconds * 1000);
  if ((await store.clockOffset(tenant, now)) + ms > MAX_OFFSET_MS) {
    const error = {
      field: 'advance_seconds',
      message: 'would move the clock more than 10 years ahead',
      code: 'range',
    };
    return fail(422, invalidFieldsMessage([error]), [error]);
  }
  const moved = await store.advanceClock(tenant, ms, now);
  if (!moved.ok) {
    return fail(
      403,
      'The sandbox is at capacity: this token is not a tenant yet, and a new one becomes a tenant only when an inactive one expires. Retry later.',
    );
  }
  return sendJson(res, 200, { success: true, message: clockView(now, moved.offsetMs) });
}
