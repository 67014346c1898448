import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';
import type { CorsPolicy } from './cors.js';
import { envelope, sendJson } from './errors.js';
import { lingering, newRequestId } from './front.js';

/** Node's own refusals of what it cannot parse or wait for, as statuses and the envelope's words. */
function clientErrorAnswer(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message: 'The request took too long to arrive: its headers or body did not come in time.',
      };
    default:
      return { status: 400, message: 'The request is not valid HTTP and cannot be read.' };
  }
}

/** Bounds on connections and time, so that slow or greedy clients cannot hold the server. */
export interface ConnectionLimits {
  /** Time a client has to send the request's headers (default 10 s); then the connection is closed. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included (default 30 s); then it gets 408. */
  requestTimeoutMs: number;
  /**
   * Time a client has to read an answer once the server has written all of it (default 30 s); then the
   * connection is closed. Node has no such bound: a client that stops reading (a closed TCP window) would
   * otherwise hold the answer's memory, and what the request holds until it ends, for as long as it keeps
   * the connection open.
   */
  answerReadTimeoutMs?: number;
  /**
   * Open connections at once (default 1,024). At the cap, a new connection takes the place of the oldest
   * one that has not yet sent a request with credentials; when every one has, the new one is closed.
   * Connections without credentials yet hold at most half of the cap: beyond, the oldest is closed.
   */
  maxConnections: number;
  /** Open connections from one address (default 64), a trusted proxy's apart; more are closed at once. */
  maxConnectionsPerClient: number;
  /** Requests in flight at once from one client (default 64); more answer 429 with `Retry-After`. */
  maxConcurrentPerClient: number;
  /**
   * The proxies (addresses or CIDR ranges) that may name the client with `X-Forwarded-For`: for a
   * connection from one of them, the client is the right-most address of that header that is not itself
   * a trusted proxy. Default none: the client is the connection's address.
   */
  trustProxy: readonly string[];
  /** Largest request body; a larger declared `Content-Length` gets 413 before any `100 Continue`. */
  maxBodyBytes: number;
}

/** The defaults of {@link ConnectionLimits} (apart from the body limit, which the server's options set). */
export const DEFAULT_CONNECTION_LIMITS: Omit<ConnectionLimits, 'maxBodyBytes'> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  answerReadTimeoutMs: 30_000,
  maxConnections: 1024,
  maxConnectionsPerClient: 64,
  maxConcurrentPerClient: 64,
  trustProxy: [],
};

/** An address as a client names it: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4. */
function plainAddress(address: string | undefined): string {
  const value = address ?? 'unknown';
  return value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
}

/**
 * Reads a list of trusted proxies (addresses, or CIDR ranges such as `10.0.0.0/8`); throws naming the
 * first entry that is neither.
 */
export function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const prefix = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && (!/^\d{1,3}$/.test(bits) || prefix > max))
    ) {
      throw new Error(
        `--trust-proxy must list addresses or CIDR ranges such as 10.0.0.0/8 (got '${entry.slice(0, 100)}').`,
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** Whether an address is in a list of trusted proxies. */
function listed(list: BlockList | undefined, address: string): boolean {
  const family = isIP(address);
  return !!list && family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client of a request: the connection's address, or, for a connection from a trusted proxy, the
 * right-most address of `X-Forwarded-For` that is not itself a trusted proxy (what a client writes to
 * the left of it is not to be believed).
 */
export function clientOf(req: IncomingMessage, trusted: BlockList | undefined): string {
  const peer = plainAddress(req.socket.remoteAddress);
  if (!listed(trusted, peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => plainAddress(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return peer;
    if (!listed(trusted, hop)) return hop;
  }
  return peer;
}

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
  const answerReadTimeoutMs =
    limits.answerReadTimeoutMs ?? (DEFAULT_CONNECTION_LIMITS.answerReadTimeoutMs as number);
  const trusted = limits.trustProxy.length > 0 ? proxyList(limits.trustProxy) : undefined;
  /** Open connections, oldest first, and those of them that have sent no request with credentials yet. */
  const open = new Set<Socket>();
  const anonymous = new Set<Socket>();
  const perAddress = new Map<string, number>();
  let active = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    cors?.decorate(req, res);
    if (req.headers.authorization !== undefined) anonymous.delete(req.socket);
    const client = clientOf(req, trusted);
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
    // An answer written in full must be read within its bound ('prefinish': all of it is handed to the
    // socket; 'close': it was read, or the connection went).
    res.once('prefinish', () => {
      const timer = setTimeout(() => res.socket?.destroy(), answerReadTimeoutMs);
      timer.unref();
      res.once('close', () => clearTimeout(timer));
    });
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
  server.on('connection', (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress);
    const proxy = listed(trusted, address);
    if (!proxy) {
      const count = (perAddress.get(address) ?? 0) + 1;
      if (count > limits.maxConnectionsPerClient) {
        socket.destroy();
        return;
      }
      perAddress.set(address, count);
    }
    open.add(socket);
    anonymous.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      anonymous.delete(socket);
      if (proxy) return;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    // At a cap, the oldest connection without credentials yet makes room (unless it is this one).
    if (open.size > limits.maxConnections || anonymous.size > Math.max(1, limits.maxConnections / 2)) {
      const oldest = anonymous.values().next().value as Socket;
      oldest.destroy();
    }
  });
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

  // What Node refuses itself (a request that never ends, oversized headers, a malformed request line)
  // is answered like everything else: the spec's envelope, an X-Request-Id, and the CORS headers when the
  // request's headers were read.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A refused body being read and thrown away after its 413 has bounds of its own (see `discardRest`):
    // the request timeout would reset the connection while the client still sends.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && lingering.has(socket)) return;
    const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
    if (error.code === 'ECONNRESET' || !socket.writable || res?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, message } = clientErrorAnswer(error.code);
    const closeSoon = setTimeout(() => socket.destroy(), 2000);
    closeSoon.unref();
    if (res) {
      // The request's headers were read: its answer goes out the usual way (CORS, id, log), then the
      // connection closes.
      res.once('finish', () => socket.destroy());
      sendJson(
        res,
        status,
        { ...envelope(message), request_id: String(res.getHeader('X-Request-Id') ?? newRequestId()) },
        { Connection: 'close' },
      );
      return;
    }
    const requestId = newRequestId();
    const body = JSON.stringify({ ...envelope(message), request_id: requestId });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
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
