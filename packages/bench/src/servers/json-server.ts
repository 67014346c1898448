/**
 * A minimal keep-alive HTTP server on loopback that answers every request with the benchmark's JSON
 * body. Run as its own process; prints `listening <port>` once ready, exits on SIGTERM.
 */
import { responseBody } from '../body.js';
import { listenOnLoopback } from './listen.js';

const body = Buffer.from(responseBody());
listenOnLoopback((req, res) => {
  req.resume();
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-request-id': 'req_bench',
  });
  res.end(body);
});
