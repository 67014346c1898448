/**
 * A minimal keep-alive HTTP server on loopback that answers as a model endpoint would, with bytes it is
 * given: `SGI_BENCH_PLAIN` (a JSON answer, base64) for a plain request, `SGI_BENCH_STREAM` (server-sent
 * events, base64) for a request whose body asks for `"stream": true`, written one event at a time. The
 * floor the sandbox's endpoint is measured against. Set up as `json-server.ts` is (`listen.ts`): prints
 * `listening <port>`; exits on SIGTERM.
 */
import { listenOnLoopback } from './listen.js';

const plain = Buffer.from(process.env.SGI_BENCH_PLAIN ?? '', 'base64');
const events = Buffer.from(process.env.SGI_BENCH_STREAM ?? '', 'base64')
  .toString('utf8')
  .split(/(?<=\n\n)/)
  .filter((e) => e.length > 0);
listenOnLoopback((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (!Buffer.concat(chunks).toString('utf8').includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': plain.length });
      res.end(plain);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of events.slice(0, -1)) res.write(event);
    res.end(events.at(-1));
  });
});
