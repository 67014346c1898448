import { loadSpec } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEFAULT_TOKEN_URL } from '../src/core/token-exchange.js';
import { createClient, DEFAULT_BASE_URL, ScaleGenError } from '../src/index.js';

// The few values the client states itself must be the spec's.
const spec = loadSpec() as unknown as {
  servers: { url: string }[];
  components: {
    securitySchemes: {
      ClientCredentials: { description: string; flows: Record<string, { tokenUrl: string }> };
    };
  };
};

describe('defaults taken from the spec', () => {
  it('the base URL is the spec server', () => {
    expect(DEFAULT_BASE_URL).toBe(spec.servers[0]?.url);
  });

  it('the token URL and audience are those of the ClientCredentials scheme', () => {
    const scheme = spec.components.securitySchemes.ClientCredentials;
    expect(DEFAULT_TOKEN_URL).toBe(scheme.flows.clientCredentials?.tokenUrl);
    expect(scheme.description).toContain(`audience=${DEFAULT_AUDIENCE}`);
  });
});

describe('log level', () => {
  it('an unknown level in SCALEGEN_LOG warns once per client, derived clients included, and logs warnings', () => {
    const warned: string[] = [];
    const before = process.env.SCALEGEN_LOG;
    process.env.SCALEGEN_LOG = 'verbose';
    try {
      const client = createClient({ token: 'token-12345678', logger: { warn: (m) => warned.push(m) } });
      client.withOptions({ timeout: 1000 }).withOptions({ maxRetries: 1 });
    } finally {
      if (before === undefined) delete process.env.SCALEGEN_LOG;
      else process.env.SCALEGEN_LOG = before;
    }
    expect(warned).toEqual([
      'SCALEGEN_LOG="verbose" is not a log level (off, error, warn, info, debug): logging warnings',
    ]);
  });

  it('an unknown logLevel option is a ScaleGenError naming it', () => {
    expect(() => createClient({ token: 'token-12345678', logLevel: 'verbose' as never })).toThrow(
      new ScaleGenError('createClient: logLevel must be one of off, error, warn, info, debug, not "verbose"'),
    );
  });
});
