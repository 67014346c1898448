import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type Fault =
  | 'ok'
  | '500'
  | '502'
  | '503'
  | '503-retry-after'
  | '504'
  | '429-seconds'
  | '429-date'
  | 'reset-before-body'
  | 'reset-after-body'
  | 'slow-headers'
  | 'truncated-json'
  | 'invalid-json'
  | 'html-502'
  | 'text-500'
  | 'success-false'
  | '401'
  | 'refused';

/** Faults after which the server has provably not processed the request. */
const NOT_PROCESSED: ReadonlySet<Fault> = new Set([
  '503-retry-after',
  '429-seconds',
  '429-date',
  'reset-before-body',
  'success-false',
  '401',
  'refused',
]);

export const ALL_FAULTS: Fault[] = [
  'ok',
  '500',
  '502',
  '503',
  '503-retry-after',
  '504',
  '429-seconds',
  '429-date',
  'reset-before-body',
  'reset-after-body',
  'slow-headers',
  'truncated-json',
  'invalid-json',
  'html-502',
  'text-500',
  'success-false',
  'refused',
];

export const DEPLOYMENT = {
  id: 'dep-1',
  name: 'bge',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  engine: 'tei',
  status: 'ACTIVE',
  timestamp: '2026-11-25T14:03:11Z',
  link: 'https://dep-1.example.test',
};

export interface SeenRequest {
  method: string;
  url: string;
  retryCount: string | undefined;
  authorization: string | undefined;
  body: string;
}

/**
 * A loopback HTTP server (the API, and a token endpoint at `/oauth/token`) that answers each
 * attempt with the fault the schedule gave it ('ok' when the schedule is empty), and counts the deployments it created per `x-test-call` header: a create
 * counts whenever the server may have processed it (every fault but the ones that say it did not).
 */
export async function startFaultServer() {
  const schedule: Fault[] = [];
  const requests: SeenRequest[] = [];
  // Deployments created per value of the `x-test-call` header, so that a late request of an
  // earlier call is never counted against a later one.
  const createdByCall = new Map<string, number>();
  const pending = new Set<ReturnType<typeof setTimeout>>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fault', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, headers?: Record<string, string>) =>
    json(res, status, { success: false, message: `Failure ${status}.` }, headers);

  let issued = 0;
  function ok(req: IncomingMessage, res: ServerResponse) {
    if (req.url === '/oauth/token')
      return json(res, 200, { access_token: `fault-access-${++issued}`, expires_in: 3600 });
    if (req.url === '/sg_inf/create') return json(res, 200, { success: true, message: { inf_id: 'dep-1' } });
    if (req.url === '/sg_inf/list') return json(res, 200, { success: true, message: [DEPLOYMENT] });
    if (req.method === 'GET') return json(res, 200, { success: true, message: DEPLOYMENT });
    return json(res, 200, { success: true, message: 'Done.' });
  }

  const server = createServer((req, res) => {
    // The fault was picked when the attempt was sent (see `fetch` below), so an attempt that arrives
    // late, after the client gave up on it, never takes the fault meant for the next one.
    const fault = (req.headers['x-fault'] as Fault | undefined) ?? 'ok';
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      retryCount: req.headers['x-retry-count'] as string | undefined,
      authorization: req.headers.authorization,
      body: '',
    };
    requests.push(seen);
    if (fault === 'reset-before-body') {
      req.socket.destroy();
      return;
    }
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      seen.body += c;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/sg_inf/create' && !NOT_PROCESSED.has(fault)) {
        const call = String(req.headers['x-test-call']);
        createdByCall.set(call, (createdByCall.get(call) ?? 0) + 1);
      }
      switch (fault) {
        case 'ok':
          return ok(req, res);
        case '500':
        case '502':
        case '503':
        case '504':
          return error(res, Number(fault));
        case '503-retry-after':
          return error(res, 503, { 'retry-after': '1' });
        case '429-seconds':
          return error(res, 429, { 'retry-after': '1' });
        case '429-date':
          return error(res, 429, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
        case 'reset-after-body':
          req.socket.destroy();
          return;
        case 'slow-headers': {
          // Answers only long after any test timeout; the client gives up first and closes.
          const t = setTimeout(() => ok(req, res), 5_000);
          pending.add(t);
          res.on('close', () => clearTimeout(t));
          return;
        }
        case 'truncated-json': {
          const body = JSON.stringify({ success: true, message: DEPLOYMENT });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
          res.write(body.slice(0, 20));
          setTimeout(() => req.socket.destroy(), 5);
          return;
        }
        case 'invalid-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"success": true, "message": {"id": "dep-');
          return;
        case 'html-502':
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end(
            '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
          );
          return;
        case 'text-500':
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal Server Error');
          return;
        case 'success-false':
          return json(res, 200, { success: false, message: 'The request was not processed.' });
        case '401':
          return error(res, 401);
        case 'refused':
          // Never sent here: the `fetch` below sends refused attempts to a closed port.
          return error(res, 500);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A port with nothing listening, for attempts whose connection is refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));

  return {
    url,
    requests,
    createdByCall,
    /** Replaces the schedule and forgets what was seen. */
    reset(faults: Fault[]) {
      schedule.splice(0, schedule.length, ...faults);
      requests.length = 0;
    },
    /**
     * A `fetch` for the client: each attempt takes the next fault of the schedule as it is sent and
     * carries it to the server in `x-fault`; an attempt whose turn is 'refused' goes to a closed port.
     */
    fetch: ((input: string, init?: RequestInit) => {
      const fault = schedule.shift() ?? 'ok';
      if (fault === 'refused') return fetch(input.replace(url, refusedUrl), init);
      const headers = new Headers(init?.headers);
      headers.set('x-fault', fault);
      return fetch(input, { ...init, headers });
    }) as typeof fetch,
    async close() {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
