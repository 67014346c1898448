/**
 * Three sandbox processes on one Redis: a partner's calls, spread round-robin over them, see one
 * consistent state; a replica killed with SIGKILL in the middle of a run loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, client, expectDocumented } from '../support/http.js';
import { eventually, type Replica, startReplica } from '../support/replica.js';

const body = {
  name: 'replicated',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

let redis: TestRedis;
let replicas: Replica[] = [];
// A deployment stays DELETING for 3 s: long enough that a second DELETE sent right after the first
// meets it there (409) even on a loaded machine, short enough that "gone" comes soon after.
const args = () => ['--store', redis.url, '--provision-delay-ms', '300', '--delete-delay-ms', '3000'];

beforeAll(async () => {
  redis = await startRedis();
  replicas = await Promise.all([0, 1, 2].map(() => startReplica(args())));
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await redis?.close();
});

/** The partner's view through replica `i`, each answer checked against the spec. */
function through(i: number, token: string) {
  const call = client((replicas[i] as Replica).url, token);
  return async (method: string, path: string, options: Parameters<typeof call>[2] = {}): Promise<Answer> => {
    const answer = await call(method, path, options);
    expectDocumented(method, path, answer);
    return answer;
  };
}

describe('three replicas on one Redis', () => {
  it('create on one, get on another, stop on the third, list anywhere: one state', async () => {
    const token = `partner-${randomUUID()}`;
    const [a, b, c] = [0, 1, 2].map((i) => through(i, token)) as [
      ReturnType<typeof through>,
      ReturnType<typeof through>,
      ReturnType<typeof through>,
    ];
    const created = await a('POST', '/sg_inf/create', { body });
    expect(created.status).toBe(200);
    const id = created.body.message.inf_id as string;

    const got = await b('GET', `/sg_inf/${id}`);
    expect(got.status).toBe(200);
    expect(['PROVISIONING', 'ACTIVE']).toContain(got.body.message.status);
    expect((await c('GET', '/sg_inf/list')).body.message.map((d: { id: string }) => d.id)).toEqual([id]);

    // Once one replica computes ACTIVE from the stored timestamps, every replica does.
    await eventually('ACTIVE on the second replica', async () => {
      const r = await b('GET', `/sg_inf/${id}`);
      return r.body.message.status === 'ACTIVE' ? true : undefined;
    });
    for (const view of [a, c])
      expect((await view('GET', `/sg_inf/${id}`)).body.message.status).toBe('ACTIVE');

    expect((await c('POST', `/sg_inf/${id}/scale/zero`)).status).toBe(200);
    const views = await Promise.all([a, b, c].map((view) => view('GET', `/sg_inf/${id}`)));
    for (const v of views) expect(v.body.message.status).toBe('INACTIVE');
    // A stopped deployment reads the same, field for field, on every replica.
    expect(views[1]?.body.message).toEqual(views[0]?.body.message);
    expect(views[2]?.body.message).toEqual(views[0]?.body.message);

    expect((await a('POST', `/sg_inf/${id}/scale/up`)).status).toBe(200);
    const again = await b('POST', `/sg_inf/${id}/scale/up`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(
      /is (PROVISIONING|ACTIVE); only an INACTIVE deployment can be started/,
    );

    expect((await c('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    expect((await a('DELETE', `/sg_inf/${id}`)).status).toBe(409);
    await eventually('gone on every replica', async () => {
      const answers = await Promise.all([a, b, c].map((view) => view('GET', `/sg_inf/${id}`)));
      return answers.every((r) => r.status === 404) ? true : undefined;
    });
    for (const view of [a, b, c]) expect((await view('GET', '/sg_inf/list')).body.message).toEqual([]);
  });

  it('a replica killed with SIGKILL mid-run loses nothing; the run completes through the others', async () => {
    const token = `partner-${randomUUID()}`;
    let turn = 0;
    /** One call of the partner: the next live replica in turn; a refused connection moves to the next one. */
    const call = async (method: string, path: string, options: { body?: unknown } = {}) => {
      for (let tries = 0; tries < replicas.length * 2; tries++) {
        const i = turn++ % replicas.length;
        if (replicas[i]?.child.exitCode !== null || replicas[i]?.child.signalCode !== null) continue;
        try {
          return await through(i, token)(method, path, options);
        } catch (error) {
          if (
            !String((error as { cause?: unknown }).cause ?? error).match(
              /ECONNREFUSED|ECONNRESET|other side closed/,
            )
          )
            throw error;
        }
      }
      throw new Error('no replica answered');
    };

    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const created = await call('POST', '/sg_inf/create', { body: { ...body, name: `run-${n}` } });
      expect(created.status).toBe(200);
      ids.push(created.body.message.inf_id);
      if (n === 2) {
        // Mid-run: the second replica dies without any chance to clean up.
        await replicas[1]?.stop('SIGKILL');
      }
    }
    for (const id of ids) {
      await eventually(`${id} ACTIVE`, async () =>
        (await call('GET', `/sg_inf/${id}`)).body.message.status === 'ACTIVE' ? true : undefined,
      );
      expect((await call('POST', `/sg_inf/${id}/scale/zero`)).status).toBe(200);
    }

    // It comes back (a new process, a new port) and sees everything, including what it never served.
    replicas[1] = await startReplica(args());
    const fresh = through(1, token);
    const listed = (await fresh('GET', '/sg_inf/list')).body.message as Array<{ id: string; status: string }>;
    expect(listed.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(new Set(listed.map((d) => d.status))).toEqual(new Set(['INACTIVE']));
    for (const id of ids) expect((await call('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    await eventually('all gone', async () =>
      (await fresh('GET', '/sg_inf/list')).body.message.length === 0 ? true : undefined,
    );
  });
});
