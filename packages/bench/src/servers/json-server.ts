/**
 * A minimal keep-alive HTTP server on loopback that answers every request with the benchmark's JSON
 * body. Run as its own process; prints `listening <port>` once ready, exits on SIGTERM.
 */
import { createServer } from 'node:http';
import { responseBody } from '../body.js';

const body = Buffer.from(responseBody());
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-request-id': 'req_bench',
  });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
