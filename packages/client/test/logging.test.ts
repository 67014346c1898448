import { describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import { json, stubFetch, TOKEN_URL } from './support/stub-fetch.js';

// At `debug`, every request and every response is logged: method, path, status, duration, attempt
// and request id; never a header, a body or a secret.
const KEY_SECRET = 'key-secret-5f2a9c';
const TOKEN = 'access-token-7d1e4b';
const HF_TOKEN = 'hf_abcdefghijklmnop';

describe('debug logging', () => {
  it('reports each response with method, path, status, duration, attempt and request id', async () => {
    const lines: string[] = [];
    let n = 0;
    const { fetch } = stubFetch((call) => {
      if (call.url === TOKEN_URL) return json(200, { access_token: TOKEN, expires_in: 3600 });
      n++;
      const headers = { 'x-request-id': `req_${n}` };
      if (call.url.endsWith('/create'))
        return n === 1
          ? json(429, { success: false, message: 'Slow down.' }, { ...headers, 'retry-after': '0' })
          : json(200, { success: true, message: { inf_id: 'dep-9' } }, headers);
      return new Response(null, { status: 204 });
    });
    const log = (m: string) => lines.push(m);
    const client = createClient({
      baseUrl: 'http://api.test',
      keyId: 'key-id',
      keySecret: KEY_SECRET,
      tokenUrl: TOKEN_URL,
      fetch,
      logger: { debug: log, info: log, warn: log, error: log },
      logLevel: 'debug',
    });
    await client.inference.create({
      name: 'n',
      model: 'm',
      hf_token: HF_TOKEN,
      controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
    });
    await client.inference.get('dep-9').catch(() => undefined);
    const responses = lines.filter((l) => l.includes(' -> '));
    expect(responses).toEqual([
      expect.stringMatching(/^POST \/sg_inf\/create -> 429 in \d+ ms \(attempt 1, request req_1\)$/),
      expect.stringMatching(/^POST \/sg_inf\/create -> 200 in \d+ ms \(attempt 2, request req_2\)$/),
      expect.stringMatching(/^GET \/sg_inf\/\{inference_id\} -> 204 in \d+ ms \(attempt 1\)$/),
    ]);
    expect(lines).toContain('GET http://api.test/sg_inf/dep-9');
    // Nothing secret, whatever the level: no token, no key secret, no hf_token, no header.
    for (const line of lines) {
      for (const secret of [KEY_SECRET, TOKEN, HF_TOKEN]) expect(line).not.toContain(secret);
      expect(line.toLowerCase()).not.toContain('authorization');
      expect(line.toLowerCase()).not.toContain('bearer');
    }
  });
});
