// Starts @sgi/mock through its API on a free loopback port, calls it once, and stops it.
import { startMockServer } from '@sgi/mock';

const mock = await startMockServer({ mode: process.argv[2] ?? 'static', port: 0 });
try {
  const res = await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer consumer-test' } });
  const body = await res.json();
  console.log(JSON.stringify({ url: mock.url, mode: mock.mode, status: res.status, success: body.success }));
} finally {
  await mock.close();
}
