import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CorsPolicy } from './cors.js';
import { envelope, sendJson } from './errors.js';

/** Bounds on connections and time, so that slow or greedy clients cannot hold the server. */
export interface ConnectionLimits {
  /** Time a client has to send the request's headers (default 10 s); then the connection is closed. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included (default 30 s); then it gets 408. */
  requestTimeoutMs: number;
  /** Open connections at once (default 1,024); more are closed as soon as they connect. */
  maxConnections: number;
  /** Requests in flight at once from one client address (default 64); more answer 429 with `Retry-After`. */
  maxConcurrentPerClient: number;
  /** Largest request body; a larger declared `Content-Length` gets 413 before any `100 Continue`. */
  maxBodyBytes: number;
}

/** The defaults of {@link ConnectionLimits} (apart from the body limit, which the server's options set). */
export const DEFAULT_CONNECTION_LIMITS: Omit<ConnectionLimits, 'maxBodyBytes'> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 1024,
  maxConcurrentPerClient: 64,
};

/** An HTTP server with the limits applied, and a graceful `close()`. */
export interface GuardedServer {
  server: Server;
  /**
   * Stops accepting connections, lets the requests in flight finish for up to `deadlineMs`, then closes
   * what is left. Calling it again returns the same promise.
   */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * Creates the HTTP server partners talk to: header and request timeouts, a connection cap, a cap on the
 * requests one client address has in flight, and `Expect: 100-continue` answered 413 when the declared
 * body is over the limit (the client never gets `100 Continue`, so it never sends the body). With `cors`,
 * CORS is this outermost layer's job: every answer carries its headers, whichever layer gives it (so a
 * browser sees a 401 or a 429 as such, not as a network error), and a preflight is answered here,
 * before any check that needs credentials, which a preflight never carries.
 */
export function guardedServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: ConnectionLimits,
  cors?: CorsPolicy,
): GuardedServer {
  const inFlight = new Map<string, number>();
  let active = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    cors?.decorate(req, res);
    const client = req.socket.remoteAddress ?? 'unknown';
    const count = (inFlight.get(client) ?? 0) + 1;
    active++;
    inFlight.set(client, count);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      active--;
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
      if (active === 0) idle?.();
    };
    res.once('close', finish);
    // While draining, no answer keeps its connection open.
    if (draining) res.shouldKeepAlive = false;
    if (cors?.preflight(req, res)) return;
    if (count > limits.maxConcurrentPerClient) {
      req.resume();
      sendJson(
        res,
        429,
        envelope(
          `Too many requests in flight from this client (at most ${limits.maxConcurrentPerClient} at once): retry after 1 second.`,
        ),
        { 'Retry-After': '1' },
      );
      return;
    }
    handler(req, res);
  };

  const server = createServer(
    {
      // Node requires the headers' time to be within the request's.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      // How often both are checked (Node's default, 30 s, would let a slow client stay that much longer).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2)),
      keepAliveTimeout: 5000,
    },
    serve,
  );
  server.maxConnections = limits.maxConnections;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    cors?.decorate(req, res);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      // No `100 Continue`: the client learns the answer without sending the body.
      res.shouldKeepAlive = false;
      sendJson(
        res,
        413,
        envelope(`The request body is larger than the limit of ${limits.maxBodyBytes} bytes.`, [
          { field: 'body', message: `must be at most ${limits.maxBodyBytes} bytes`, code: 'max_size' },
        ]),
        { Connection: 'close' },
      );
      return;
    }
    res.writeContinue();
    serve(req, res);
  });

  let closing: Promise<void> | undefined;
  const close = (deadlineMs = 10_000) => {
    closing ??= new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      draining = true;
      // Keep-alive connections with nothing in flight would hold `close` open; they go now, and the
      // others once their last answer is out.
      idle = () => setImmediate(() => server.closeIdleConnections());
      server.closeIdleConnections();
      if (active === 0) idle();
      timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
      timer.unref();
    });
    return closing;
  };
  return { server, close };
}
