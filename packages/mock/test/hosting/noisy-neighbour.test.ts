/**
 * A tenant at its limits cannot take the CPU from another: limits weigh the bytes of answers, not only
 * their count. One tenant holding 2 MiB of settings lists them as fast as `--rate-limit 20
 * --max-concurrent 8` let it, while another tenant's reads are timed; their median stays within a small
 * factor of its quiet value (the figure is printed; the bound is loose, for a shared machine: without
 * the byte budget the quiet tenant's reads starve for minutes), and the bytes the noisy tenant is
 * served stay within its budget (which holds whatever the machine's load).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChildMock, startChildMock } from '../support/child.js';

/** The noisy tenant's budget of answer bytes a second. */
const BUDGET = 4 * 1024 * 1024;

let mock: ChildMock;
beforeAll(async () => {
  mock = await startChildMock(
    [
      '--provision-delay-ms',
      '0',
      '--rate-limit',
      '20',
      '--max-concurrent',
      '8',
      '--max-answer-bytes-per-second',
      String(BUDGET),
    ],
    1024,
  );
});
afterAll(async () => {
  await mock?.stop();
});

const body = (name: string, template = '') => ({
  name,
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'llm',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  ...(template ? { custom_chat_template: template } : {}),
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(token: string, method: string, path: string, payload?: unknown) {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const buffer = await res.arrayBuffer();
  return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0), buffer };
}

/**
 * A call repeated while the tenant's own limits refuse it (429, or 503 while its answer budget is
 * spent), waiting as `Retry-After` says: the set-up must not depend on how fast the machine is.
 */
async function admitted(token: string, method: string, path: string, payload?: unknown) {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(token, method, path, payload);
    if ((answer.status !== 429 && answer.status !== 503) || attempt >= 50) return answer;
    await pause(Math.max(100, answer.retryAfter * 1000));
  }
}

/** The median time of `count` reads of one deployment, one after another, in ms. */
async function medianRead(token: string, id: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const { status } = await call(token, 'GET', `/sg_inf/${id}`);
    expect(status).toBe(200);
    times.push(performance.now() - started);
    // Within its own rate limit (20 a second).
    await pause(60);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

it("keeps another partner's median within a small factor while a tenant lists 2 MiB at its limits", async () => {
  // The noisy tenant fills its 2 MiB of settings with the longest chat templates the spec allows.
  const template = 'x'.repeat(60_000);
  for (let n = 0; n < 60; n++) {
    const created = await admitted('noisy', 'POST', '/sg_inf/create', body(`big-${n}`, template));
    if (created.status === 403) break;
  }
  const listed = await admitted('noisy', 'GET', '/sg_inf/list');
  expect(listed.status).toBe(200);
  expect(listed.buffer.byteLength).toBeGreaterThan(1_500_000);

  const quiet = await call('quiet', 'POST', '/sg_inf/create', body('small'));
  const id = JSON.parse(Buffer.from(quiet.buffer).toString('utf8')).message.inf_id as string;
  const alone = await medianRead('quiet', id, 30);

  let noisy = true;
  const served = { lists: 0, refused: 0 };
  const loops = Array.from({ length: 8 }, async () => {
    while (noisy) {
      const answer = await call('noisy', 'GET', '/sg_inf/list');
      if (answer.status === 200) served.lists++;
      else {
        served.refused++;
        await pause(50);
      }
    }
  });
  const started = performance.now();
  await pause(500);
  const loaded = await medianRead('quiet', id, 30);
  noisy = false;
  await Promise.all(loops);
  const seconds = (performance.now() - started) / 1000;

  const ratio = loaded / alone;
  console.log(
    `noisy neighbour: quiet p50 ${alone.toFixed(1)} ms, with a tenant listing 2 MiB at its limits ${loaded.toFixed(1)} ms (ratio ${ratio.toFixed(2)}); noisy lists served ${served.lists}, refused ${served.refused}`,
  );
  // What a tenant may be served in this time: the budget (4 MiB a second, one second of it at once),
  // plus the lists admitted together while the budget was not yet spent (8 in flight at most).
  expect(served.lists * listed.buffer.byteLength).toBeLessThanOrEqual(
    BUDGET * (seconds + 1) + 8 * listed.buffer.byteLength,
  );
  expect(ratio).toBeLessThan(10);
}, 120_000);
