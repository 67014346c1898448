import { describe, expect, it } from 'vitest';
import { runBin, runJson, startBin } from './support/run.js';

const auth = { headers: { Authorization: 'Bearer consumer-test' } };

describe('@sgi/mock, installed from its tarball', () => {
  it('starts through its bin (sandbox) on a free port, answers, and stops on SIGTERM', async () => {
    const mock = await startBin(
      'sgi-mock',
      ['--mode', 'sandbox', '--port', '0'],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      const url = mock.match[1];
      const res = await fetch(`${url}/sg_inf/list`, auth);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ success: true });
    } finally {
      expect(await mock.stop()).toBe(0);
    }
  });

  it('explains bad arguments through its bin', async () => {
    const failure = await runBin('sgi-mock', '--mode', 'nonsense').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("--mode must be 'static', 'sandbox' or 'proxy'");
  });

  it('starts through its API (static), answers, and closes', async () => {
    const out = await runJson<{ url: string; mode: string; status: number; success: boolean }>(
      'mock-api.mjs',
      'static',
    );
    expect(out).toMatchObject({ mode: 'static', status: 200, success: true });
    expect(out.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
