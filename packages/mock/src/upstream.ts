import { Agent, type IncomingHttpHeaders, request, type ServerResponse } from 'node:http';

/** An upstream server's whole answer, read into memory. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer standing for a request whose client went away before the upstream answered. */
export const GONE: Answer = { status: 499, headers: {}, body: Buffer.alloc(0) };

/** One request to an upstream server. */
export interface UpstreamRequest {
  /** The upstream's origin. */
  upstream: URL;
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
  agent: Agent;
  /** Time the upstream has to answer, in ms; then the call fails naming `name`. */
  timeoutMs: number;
  /** The upstream's name in errors (`Prism`, `the upstream`). */
  name: string;
  /** The caller's response: once its client goes away, the upstream request is dropped and resolves {@link GONE}. */
  client?: ServerResponse;
  /**
   * Send again, once, when a kept-alive connection turns out to have been closed by the upstream as the
   * request went out (`ECONNRESET` on a reused socket: the upstream never read it). Node's documented
   * remedy for the keep-alive race; for an upstream of our own, where a reset means exactly that.
   */
  retryReusedSocket?: boolean;
}

/**
 * How long a kept-alive connection to an upstream may stay idle before the agent closes it: below the 5 s
 * after which Node's servers (Prism's among them) close theirs, so that the agent, not the upstream, ends
 * an idle connection, and a request rarely goes out on one the upstream is closing.
 */
export const UPSTREAM_IDLE_MS = 3000;

/** The agent whose kept-alive connections (at most `maxSockets` at once) reach one upstream. */
export function upstreamAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, timeout: UPSTREAM_IDLE_MS });
}

/**
 * Sends a request to an upstream server and reads its whole answer, bounded in time; stops as soon
 * as the caller's client goes away (the answer is then {@link GONE}), so no work is done for nobody.
 */
export function sendUpstream(call: UpstreamRequest): Promise<Answer> {
  return sendOnce(call, call.agent).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    // Again on a connection of its own: the agent's other idle connections went idle with the one that
    // failed, and may be closing too.
    if (call.retryReusedSocket && error.reusedSocket && error.code === 'ECONNRESET')
      return sendOnce(call, false);
    throw error;
  });
}

function sendOnce(call: UpstreamRequest, agent: Agent | false): Promise<Answer> {
  const { client } = call;
  return new Promise((resolve, reject) => {
    let answered = false;
    const lost = (error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
      if (client?.destroyed) return resolve(GONE);
      // Whether the upstream can have read the request: a reset of a reused socket before any answer.
      error.reusedSocket = out.reusedSocket && !answered;
      reject(error);
    };
    const out = request(
      {
        host: call.upstream.hostname,
        port: call.upstream.port,
        method: call.method,
        path: call.path,
        headers: call.headers,
        agent,
      },
      (answer) => {
        answered = true;
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on('error', lost);
        answer.on('close', () => {
          if (!answer.complete)
            lost(new Error(`${call.name} closed the connection before its answer was complete`));
        });
      },
    );
    out.on('error', lost);
    if (client) {
      // The client closed its connection before its answer: stop the work done for it.
      const onGone = () => {
        if (!client.writableFinished) out.destroy();
      };
      client.once('close', onGone);
      out.once('close', () => client.off('close', onGone));
    }
    out.setTimeout(call.timeoutMs, () =>
      out.destroy(new Error(`${call.name} did not answer within ${call.timeoutMs} ms`)),
    );
    out.end(call.body.length > 0 ? call.body : undefined);
  });
}
