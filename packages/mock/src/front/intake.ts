/**
 * The front door's intake: the stages that read a request's URL, path, body and credentials, and check
 * that the body is UTF-8 JSON of a bounded shape, before anything else looks at it.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pathProblem } from '../checks.js';
import { UNAUTHORIZED } from '../errors.js';
import { DEFAULT_MAX_JSON_VALUES, jsonShapeProblem } from '../limits.js';
import { type FrontCall, headerErrorsOf, switchesOf } from './call.js';
import { refuse, type Verdict } from './stage.js';

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

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** A bearer credential, whatever the case of its scheme (RFC 9110: the scheme is case-insensitive). */
const BEARER = /^bearer[ \t]+(\S.*)$/i;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The request's body, or the reason it cannot be read. A body over `max` is left unread from there on
 * (the stream is not destroyed: the caller answers 413 and then {@link discardRest} reads what is left).
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too large'> {
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

/** `url`: a URL with a malformed percent-encoding or host is refused 400. */
export function checkUrl(call: FrontCall): Verdict {
  try {
    decodeURIComponent(call.rawUrl);
    new URL(call.rawUrl, 'http://mock.invalid');
    return undefined;
  } catch {
    call.req.resume();
    return refuse(400, 'The request URL is not valid: it has a malformed percent-encoding or host.');
  }
}

/** `path`: a path Prism would read as another route (dot segments, encoded slashes, `//`) is refused 404. */
export function checkPath(call: FrontCall): Verdict {
  const problem = pathProblem(call.pathname);
  if (!problem) return undefined;
  call.req.resume();
  return refuse(404, `No such route: ${call.method} ${call.pathname.slice(0, 200)} (${problem}).`);
}

/**
 * `body-size`: reads the body; one over the limit (declared or sent) is refused 413, and the rest of it
 * is then read and thrown away (not `Connection: close`: Node would close the connection as soon as the
 * 413 is out, while the client still sends; see {@link discardRest}).
 */
export async function readBodyWithin(call: FrontCall): Promise<Verdict> {
  const max = call.options.maxBodyBytes;
  const body = await readBody(call.req, max);
  if (body !== 'too large') {
    call.body = body;
    return undefined;
  }
  return refuse(413, `The request body is larger than the limit of ${max} bytes.`, {
    errors: [{ field: 'body', message: `must be at most ${max} bytes`, code: 'max_size' }],
    after: () => discardRest(call.req),
  });
}

/**
 * `credentials`: reads the bearer token (its scheme in any case, passed on to Prism as `Bearer`, which
 * Prism compares case-sensitively). A caller without one that sends a body, or a sandbox header or a
 * switch that a later stage would refuse, is refused 401 first, as on the real service: it learns
 * that, not what is wrong with the rest. (Prism answers 401 itself on every other route it knows.)
 */
export function checkCredentials(call: FrontCall): Verdict {
  const bearer = BEARER.exec(call.req.headers.authorization ?? '');
  if (bearer) {
    call.req.headers.authorization = `Bearer ${bearer[1]}`;
    call.bearer = true;
    return undefined;
  }
  const checked = call.body.length > 0 || headerErrorsOf(call).length > 0 || 'errors' in switchesOf(call);
  return checked ? refuse(401, UNAUTHORIZED) : undefined;
}

/** `content-type`: a body not sent as `application/json` (or `+json`), or in a charset other than UTF-8, is refused 400. */
export function checkContentType(call: FrontCall): Verdict {
  if (call.body.length === 0) return undefined;
  const type = call.req.headers['content-type'] ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1]?.toLowerCase();
  if (JSON_TYPE.test(type) && charset && charset !== 'utf-8' && charset !== 'utf8') {
    return refuse(400, `The request body must be UTF-8 JSON (got charset '${charset.slice(0, 40)}').`);
  }
  if (!JSON_TYPE.test(type)) {
    return refuse(
      400,
      `The request body must be JSON sent as 'Content-Type: application/json' (got ${type ? `'${type.slice(0, 100)}'` : 'no Content-Type'}).`,
    );
  }
  return undefined;
}

/** `utf-8`: a body that is not valid UTF-8 is refused 400. */
export function decodeUtf8(call: FrontCall): Verdict {
  if (call.body.length === 0) return undefined;
  try {
    call.text = utf8.decode(call.body);
    return undefined;
  } catch {
    return refuse(400, 'The request body is not valid UTF-8.');
  }
}

/** `json`: a body that is not JSON is refused 400, with the reason but never a slice of the body. */
export function parseJson(call: FrontCall): Verdict {
  if (call.text === undefined) return undefined;
  try {
    call.parsed = JSON.parse(call.text);
    return undefined;
  } catch (error) {
    return refuse(400, `The request body is not valid JSON: ${jsonErrorReason(error as Error)}.`);
  }
}

/** `json-shape`: a body nested deeper than the limit, or holding more values than it, is refused 400. */
export function checkJsonShape(call: FrontCall): Verdict {
  if (call.body.length === 0) return undefined;
  const { maxDepth } = call.options;
  const maxValues = call.options.maxJsonValues ?? DEFAULT_MAX_JSON_VALUES;
  const shape = jsonShapeProblem(call.parsed, maxDepth, maxValues);
  if (shape === 'too deep') return refuse(400, `The request body is nested deeper than ${maxDepth} levels.`);
  if (shape === 'too many values')
    return refuse(400, `The request body holds more than ${maxValues} JSON values.`);
  return undefined;
}

/**
 * Why JSON.parse failed, without quoting the body: V8's messages quote a slice of it, which may hold a
 * secret such as an `hf_token` value.
 */
export function jsonErrorReason(error: Error): string {
  if (/Unexpected end/.test(error.message)) return 'it ends too early';
  const position = /at position (\d+)/.exec(error.message)?.[1];
  const token = /^Unexpected token '(.)'/.exec(error.message)?.[1];
  if (position) return `unexpected character at position ${position}`;
  return token ? `unexpected character '${token}'` : 'it cannot be parsed';
}
