import { type Agent, type IncomingHttpHeaders, request, type ServerResponse } from 'node:http';

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
 * Sends a request to an upstream server and reads its whole answer, bounded in time; stops as soon
 * as the caller's client goes away (the answer is then {@link GONE}), so no work is done for nobody.
 */
export function sendUpstream(call: UpstreamRequest): Promise<Answer> {
  return sendOnce(call).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    if (call.retryReusedSocket && error.reusedSocket && error.code === 'ECONNRESET') return sendOnce(call);
    throw error;
  });
}

function sendOnce(call: UpstreamRequest): Promise<Answer> {
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
        agent: call.agent,
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
