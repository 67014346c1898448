// Starts @sgi/mock through its API on a free loopback port. With a program (`node mock-api.mjs sandbox
// dist/client-cjs/main.cjs`), runs it against the mock and prints what it printed; without, calls the
// mock once. Stops the mock either way.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startMockServer } from '@sgi/mock';

const [mode = 'static', program] = process.argv.slice(2);
const mock = await startMockServer({ mode, port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
try {
  if (program) {
    const { stdout } = await promisify(execFile)(process.execPath, [program, mock.url], { timeout: 60_000 });
    process.stdout.write(stdout);
  } else {
    const res = await fetch(`${mock.url}/sg_inf/list`, {
      headers: { Authorization: 'Bearer consumer-test' },
    });
    const body = await res.json();
    console.log(
      JSON.stringify({ url: mock.url, mode: mock.mode, status: res.status, success: body.success }),
    );
  }
} finally {
  await mock.close();
}
