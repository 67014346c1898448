import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../src/args.js';
import { redactStoreUrl, storeUrlProblem } from '../../src/sandbox/store/url.js';

describe('choosing the store', () => {
  it('is memory unless --store or SGI_MOCK_STORE names a Redis', () => {
    expect((optionsFromArgs([], {}) as { storeUrl?: string }).storeUrl).toBeUndefined();
    expect(optionsFromArgs(['--store', 'memory'], {})).toMatchObject({ storeUrl: 'memory' });
    expect(optionsFromArgs(['--store', 'redis://10.0.0.5:6379/2'], {})).toMatchObject({
      storeUrl: 'redis://10.0.0.5:6379/2',
    });
    expect(optionsFromArgs([], { SGI_MOCK_STORE: 'redis://cache:6380/0' })).toMatchObject({
      storeUrl: 'redis://cache:6380/0',
    });
    // The flag wins over the environment.
    expect(optionsFromArgs(['--store', 'memory'], { SGI_MOCK_STORE: 'redis://cache/0' })).toMatchObject({
      storeUrl: 'memory',
    });
  });

  it.each([
    ['postgres://db/1', 'must start with redis:// or rediss://'],
    ['redis://', 'has no host'],
    ['redis://host:6379/zero', 'must name the database as a number'],
    ['not a url', 'is not a URL'],
  ])('refuses %j with a clear message', (url, message) => {
    expect(() => optionsFromArgs(['--store', url], {})).toThrow(message);
    expect(() => optionsFromArgs([], { SGI_MOCK_STORE: url })).toThrow(
      `SGI_MOCK_STORE must be 'memory' or a Redis URL`,
    );
  });

  it('never repeats a password in a message', () => {
    const url = 'redis://:hunter2-secret@db.internal:6379/x';
    expect(() => optionsFromArgs(['--store', url], {})).toThrow(/must name the database/);
    try {
      optionsFromArgs(['--store', url], {});
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(redactStoreUrl('redis://admin:hunter2@db:6379/0')).toBe('redis://db:6379/0');
    expect(storeUrlProblem('rediss://user:pw@db.example:6380/3')).toBeUndefined();
  });
});
