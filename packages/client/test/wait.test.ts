import { describe, expect, it } from 'vitest';
import { APIUserAbortError, InternalServerError, WaitTimeoutError } from '../src/index.js';
import { DEPLOYMENT } from './support/fault-server.js';
import { abortable, clientWith, deferred, json } from './support/stub-fetch.js';

// waitUntilReady: polls `get` until ACTIVE, under one deadline for the whole wait.
const deployment = (status: string) => json(200, { success: true, message: { ...DEPLOYMENT, status } });

describe('waitUntilReady', () => {
  it('polls until ACTIVE, reporting each new status', async () => {
    const statuses = ['PROVISIONING', 'PROVISIONING', 'ACTIVE'];
    const { client, calls } = clientWith((_c, i) => deployment(statuses[i] ?? 'ACTIVE'));
    const seen: string[] = [];
    const d = await client.inference.waitUntilReady('dep-1', { interval: 1, onStatus: (s) => seen.push(s) });
    expect(d.status).toBe('ACTIVE');
    expect(seen).toEqual(['PROVISIONING', 'ACTIVE']);
    expect(calls).toHaveLength(3);
  });

  it('rejects with DeploymentFailedError on FAILED', async () => {
    const { client } = clientWith(() => deployment('FAILED'));
    const err = await client.inference.waitUntilReady('dep-1', { interval: 1 }).catch((e) => e);
    expect(err.name).toBe('DeploymentFailedError');
    expect(err.deployment.status).toBe('FAILED');
    expect(err.message).toBe('inference.waitUntilReady: deployment dep-1 is FAILED');
  });

  it('rejects with WaitTimeoutError at its deadline', async () => {
    const { client } = clientWith(() => deployment('PROVISIONING'));
    const err = await client.inference.waitUntilReady('dep-1', { interval: 5, timeout: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.deployment.status).toBe('PROVISIONING');
    expect(err.message).toBe('inference.waitUntilReady: deployment dep-1 was still PROVISIONING after 30 ms');
  });

  it('its timeout is the deadline of the whole wait: a poll that hangs is cut short too', async () => {
    // The first poll answers; the second never does (the client's per-attempt timeout is off).
    const { client, calls } = clientWith(
      (call, i) =>
        i === 0 ? deployment('PROVISIONING') : abortable(deferred<Response>().promise, call.signal),
      { timeout: 0 },
    );
    const err = await client.inference.waitUntilReady('dep-1', { interval: 1, timeout: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.deployment.status).toBe('PROVISIONING');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.signal?.aborted).toBe(true);
  });

  it('a first poll that never answers ends at the deadline with no deployment', async () => {
    const { client } = clientWith((call) => abortable(deferred<Response>().promise, call.signal), {
      timeout: 0,
    });
    const err = await client.inference.waitUntilReady('dep-1', { timeout: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.deployment).toBeUndefined();
    expect(err.message).toBe('inference.waitUntilReady: deployment dep-1 was not read once after 50 ms');
  });

  it('timeout 0 or Infinity: no deadline', async () => {
    for (const timeout of [0, Infinity]) {
      const statuses = ['PROVISIONING', 'PROVISIONING', 'ACTIVE'];
      const { client } = clientWith((_c, i) => deployment(statuses[i] ?? 'ACTIVE'));
      await expect(client.inference.waitUntilReady('dep-1', { interval: 1, timeout })).resolves.toMatchObject(
        {
          status: 'ACTIVE',
        },
      );
    }
  });

  it('stops at once when aborted, during a pause or a poll', async () => {
    const { client } = clientWith(() => deployment('PROVISIONING'));
    const ac = new AbortController();
    const wait = client.inference.waitUntilReady('dep-1', { interval: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    await expect(wait).rejects.toBeInstanceOf(APIUserAbortError);

    const hanging = clientWith((call) => abortable(deferred<Response>().promise, call.signal), {
      timeout: 0,
    });
    const ac2 = new AbortController();
    const wait2 = hanging.client.inference.waitUntilReady('dep-1', { signal: ac2.signal });
    while (hanging.calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    ac2.abort();
    await expect(wait2).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('sends the per-call headers with every poll', async () => {
    const statuses = ['PROVISIONING', 'ACTIVE'];
    const { client, calls } = clientWith((_c, i) => deployment(statuses[i] ?? 'ACTIVE'), {
      headers: { 'x-team': 'search' },
    });
    await client.inference.waitUntilReady('dep-1', {
      interval: 1,
      headers: { 'X-Team': 'ads', 'x-trace': 't' },
    });
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.headers).toMatchObject({ 'x-team': 'ads', 'x-trace': 't' });
  });

  it("takes maxRetries for each poll, in place of the client's", async () => {
    // Two failures, then ACTIVE: enough retries ride them out; none makes the first failure final.
    const answers = () => {
      let i = 0;
      return () => (i++ < 2 ? json(500, { success: false, message: 'Boom.' }) : deployment('ACTIVE'));
    };
    const a = clientWith(answers(), { maxRetries: 0 });
    await expect(a.client.inference.waitUntilReady('dep-1', { maxRetries: 2 })).resolves.toMatchObject({
      status: 'ACTIVE',
    });
    expect(a.calls).toHaveLength(3);
    const b = clientWith(answers(), { maxRetries: 2 });
    await expect(b.client.inference.waitUntilReady('dep-1', { maxRetries: 0 })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(b.calls).toHaveLength(1);
  });

  it('a status this version does not know counts as not ready: it waits on, and reports it', async () => {
    const statuses = ['PROVISIONING', 'QUEUED_FOR_CAPACITY', 'QUEUED_FOR_CAPACITY', 'ACTIVE'];
    const { client } = clientWith((_c, i) => deployment(statuses[i] ?? 'ACTIVE'));
    const seen: string[] = [];
    const d = await client.inference.waitUntilReady('dep-1', { interval: 1, onStatus: (s) => seen.push(s) });
    expect(d.status).toBe('ACTIVE');
    expect(seen).toEqual(['PROVISIONING', 'QUEUED_FOR_CAPACITY', 'ACTIVE']);

    const stuck = clientWith(() => deployment('QUEUED_FOR_CAPACITY'));
    const err = await stuck.client.inference
      .waitUntilReady('dep-1', { interval: 1, timeout: 30 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.deployment.status).toBe('QUEUED_FOR_CAPACITY');
  });
});
