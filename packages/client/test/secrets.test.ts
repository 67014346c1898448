import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient, type InferenceDeploymentCreate, ScaleGenError } from '../src/index.js';

// Secrets never appear in an error's message, toString, JSON form or stack, nor in a log line,
// whatever the server echoes back and whichever path the error takes.

/**
 * Credential-shaped strings: base64url / JWT / Hugging Face token characters, at least 12 of them and
 * with a digit and a letter, as real credentials are. A shorter or all-letter draw can be a word that
 * any stack trace holds by chance (`Property`, from the property runner's own frames) and would fail
 * the test with no secret leaked.
 */
const secret = fc
  .stringMatching(/^[A-Za-z0-9_\-.~+/=]{12,48}$/)
  .filter((s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s));

/** What the fake API answers; each one echoes the given secrets somewhere. */
const paths = [
  'json-400',
  'json-401',
  'json-403',
  'json-404',
  'json-409',
  'json-422',
  'json-429',
  'json-500',
  'json-503',
  'success-false',
  'text-500',
  'html-502',
  'invalid-json-200',
  'warning-200',
  'network-error',
] as const;
type Path = (typeof paths)[number];

function answer(path: Path, echo: string): Response | Promise<never> {
  const headers = { 'content-type': 'application/json', 'x-request-id': `req_${echo.slice(0, 40)}` };
  const errorBody = (status: number) =>
    new Response(
      JSON.stringify({
        success: false,
        message: `Rejected: ${echo}`,
        errors: [{ field: `hf_token ${echo}`, message: `bad value ${echo}`, code: 'pattern' }],
        request_id: echo,
        extra: { nested: [echo] },
      }),
      { status, headers },
    );
  switch (path) {
    case 'success-false':
      return errorBody(200);
    case 'text-500':
      return new Response(`Internal error for ${echo}`, {
        status: 500,
        headers: { 'content-type': 'text/plain' },
      });
    case 'html-502':
      return new Response(`<html><title>Bad gateway ${echo}</title><body>${echo}</body></html>`, {
        status: 502,
        headers: { 'content-type': 'text/html' },
      });
    case 'invalid-json-200':
      return new Response(`{"message": "${echo}`, { status: 200, headers });
    case 'warning-200':
      return new Response(
        JSON.stringify({ success: true, message: { inf_id: 'x1' }, warning: `kept ${echo}` }),
        {
          status: 200,
          headers,
        },
      );
    case 'network-error':
      return Promise.reject(new TypeError(`fetch failed ${echo}`, { cause: { code: echo } }));
    default:
      return errorBody(Number(path.slice(5)));
  }
}

describe('secrets', () => {
  it('never leak through any error path or log line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ token: secret, keySecret: secret, hf: secret, lora: secret }),
        fc.constantFrom(...paths),
        fc.constantFrom('token', 'provider', 'keys'),
        async (s, path, auth) => {
          // The secrets this client holds (the key secret only when it exchanges keys); the server
          // echoes all four.
          const known = auth === 'keys' ? [s.token, s.keySecret, s.hf, s.lora] : [s.token, s.hf, s.lora];
          const echo = [s.token, s.keySecret, s.hf, s.lora].join(' ');
          const lines: string[] = [];
          const log = (m: string) => lines.push(m);
          const client = createClient({
            baseUrl: 'http://api.test',
            ...(auth === 'token'
              ? { token: s.token }
              : auth === 'provider'
                ? { token: async () => s.token }
                : { keyId: 'key-id', keySecret: s.keySecret, tokenUrl: 'http://auth.test/oauth/token' }),
            maxRetries: 1,
            backoff: { initialDelay: 0, maxDelay: 0, maxRetryAfter: 0 },
            logger: { error: log, warn: log, info: log, debug: log },
            logLevel: 'debug',
            fetch: (async (url: string) =>
              url.startsWith('http://auth.test')
                ? new Response(JSON.stringify({ access_token: s.token, expires_in: 3600 }), { status: 200 })
                : answer(path, echo)) as typeof fetch,
          });
          const body: InferenceDeploymentCreate = {
            name: 'n',
            model: 'm',
            hf_token: s.hf,
            llm_loras: [{ name: 'l', hf_repo: 'o/r', hf_token: s.lora }],
            controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
          };
          const err = await client.inference.create(body).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (path === 'warning-200') expect(err).toBeUndefined();
          else expect(err).toBeInstanceOf(ScaleGenError);
          const e = err as ScaleGenError | undefined;
          const outputs = [e?.message, e && String(e), e && JSON.stringify(e), e?.stack, ...lines];
          for (const out of outputs) for (const x of known) expect(out ?? '').not.toContain(x);
          expect(lines.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fail to exchange keys without echoing the key secret', async () => {
    const keySecret = 'sk_live_0123456789abcdef';
    const client = createClient({
      baseUrl: 'http://api.test',
      keyId: 'key-id',
      keySecret,
      tokenUrl: 'http://auth.test/oauth/token',
      fetch: (async () =>
        new Response(
          JSON.stringify({ error: 'access_denied', error_description: `Unknown secret ${keySecret}` }),
          {
            status: 401,
          },
        )) as typeof fetch,
    });
    const err = (await client.inference.list().catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('AuthenticationError');
    expect(err.message).toBe(
      'token exchange at http://auth.test/oauth/token failed with HTTP 401: Unknown secret [***]',
    );
    expect(JSON.stringify(err)).not.toContain(keySecret);
  });
});
