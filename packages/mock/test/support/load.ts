import { readFileSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import { connect } from 'node:net';

/** What one attacker's request came to: its status, or `closed` when the connection ended without one. */
export interface Outcome {
  status: number | 'closed';
  /** The error envelope's message, for an answer of 400 or more read to its end. */
  message?: string;
}

/** One request through `agent` (each attacker has its own loopback address, as separate clients would). */
export function send(
  base: URL,
  agent: Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  abortAfterHeaders = false,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
      if (abortAfterHeaders) {
        // A client that goes away as soon as the answer starts: the server must not keep working for it.
        const status = res.statusCode ?? 0;
        res.destroy();
        resolve({ status });
        return;
      }
      const status = res.statusCode ?? 0;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        if (status >= 400 && text.length < 2000) text += chunk.toString('utf8');
      });
      res.on('end', () => {
        if (status < 400) return resolve({ status });
        let message: string | undefined;
        try {
          message = (JSON.parse(text) as { message?: string }).message;
        } catch {
          message = text.slice(0, 200);
        }
        resolve({ status, ...(message === undefined ? {} : { message }) });
      });
      res.on('error', () => resolve({ status: 'closed' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        status: 'closed',
        message: `${error.code ?? error.message}${req.reusedSocket ? ' (reused connection)' : ''}`,
      }),
    );
    req.end(body);
  });
}

/** Runs `count` jobs with at most `width` at once. */
export async function pool(
  count: number,
  width: number,
  job: (i: number) => Promise<Outcome>,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out.push(await job(i));
      }
    }),
  );
  return out;
}

/** How many outcomes of each status. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of outcomes) counts[String(status)] = (counts[String(status)] ?? 0) + 1;
  return counts;
}

/** Peak and current resident set of a process, in MB, as the kernel counts them. */
export function rssMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** The status of a raw HTTP/1.1 answer's first line, or `closed` when there was none. */
export function statusOf(answer: string): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'closed';
}

/**
 * A connection from `localAddress` that writes `text` and then waits: resolves with everything it was
 * answered once the server closes it (or after `giveUpMs`, when the test closes it itself).
 */
export function held(base: URL, localAddress: string, text: string, giveUpMs = 60_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: base.hostname, port: Number(base.port), localAddress });
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Connections that send headers and a sliver of the promised body, then stall. Resolves when each is closed. */
export function slowBodies(base: URL, count: number, localAddress: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      held(
        base,
        localAddress,
        `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer slow-${i}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":',
      ).then(statusOf),
    ),
  );
}

/** Waits `ms` (pacing and polling only; never a measured time). */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The smallest legal create body: an embedding model on the sandbox's own controller. */
export const minimal = {
  name: 'bge-embeddings',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

/**
 * The sieges' short timings: a deployment ACTIVE within a partner's journey, deleted at once, and heads and
 * bodies cut within seconds (so that held and flooded connections come back within the test).
 */
export const SIEGE_TIMINGS = [
  '--provision-delay-ms',
  '300',
  '--delete-delay-ms',
  '0',
  '--headers-timeout-ms',
  '3000',
  '--request-timeout-ms',
  '5000',
];
