import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { frontHandler } from '../src/front.js';
import { specFacts } from '../src/spec.js';

/**
 * The front's hop to Prism when the connection fails. A kept-alive connection that Prism closes just as
 * the front reuses it (the keep-alive race, frequent on a busy machine) is sent again; any other failure
 * is answered, never left without an answer (a request whose body was read is `destroyed` in Node, and
 * that once made the front drop its answer while the client waited).
 */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** A front in front of `upstream`, listening on loopback. */
async function front(upstream: string): Promise<string> {
  const { handler } = frontHandler({
    upstream,
    facts: specFacts(),
    maxBodyBytes: 1024 * 1024,
    maxDepth: 32,
    chaos: 0,
    onContractViolation: () => {},
  });
  return listen(createServer(handler));
}

const call = (url: string) =>
  fetch(`${url}/sg_inf/list`, {
    headers: { Authorization: 'Bearer t' },
    signal: AbortSignal.timeout(20_000),
  });

describe("the front's hop to Prism", () => {
  it('answers 5xx in the envelope when Prism resets the connection, instead of leaving the client waiting', async () => {
    const upstream = await listen(createServer((req) => req.socket.destroy()));
    const url = await front(upstream);
    const res = await fetch(`${url}/sg_inf/create`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ success: false, request_id: expect.any(String) });
  });

  it('sends a request again when Prism closed the kept-alive connection it went out on', async () => {
    let requests = 0;
    const upstream = await listen(
      createServer((req, res) => {
        requests++;
        // The second request arrives on the connection of the first: close it unanswered, as a server
        // whose keep-alive timeout just ran out does.
        if (requests === 2) return req.socket.destroy();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ success: true, message: [] }));
      }),
    );
    const url = await front(upstream);
    expect((await call(url)).status).toBe(200);
    const second = await call(url);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ success: true, message: [] });
    expect(requests).toBe(3);
  });

  it('sends it again on a new connection, not on another kept-alive one that Prism closed too', async () => {
    // Prism closes its idle connections together (they went idle together after a burst): every
    // connection that served a request before is closed unanswered when the next one arrives on it.
    const served = new WeakSet<object>();
    const waiting: Array<() => void> = [];
    let first = 0;
    const upstream = await listen(
      createServer((req, res) => {
        if (served.has(req.socket)) return req.socket.destroy();
        served.add(req.socket);
        const answer = () => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ success: true, message: [] }));
        };
        // The first two wait for each other, so that the front opens two connections.
        if (++first > 2) return answer();
        waiting.push(answer);
        if (waiting.length === 2) for (const go of waiting.splice(0)) go();
      }),
    );
    const url = await front(upstream);
    const burst = await Promise.all([call(url), call(url)]);
    expect(burst.map((r) => r.status)).toEqual([200, 200]);
    const after = await call(url);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ success: true, message: [] });
  });
});
