import { describe, expect, it } from 'vitest';
import { LISTENING_ON } from '../src/process.js';

describe('LISTENING_ON', () => {
  it("reads the mock's origin from a plain line and from a JSON log line", () => {
    expect('sgi-mock: listening on http://127.0.0.1:4010\n'.match(LISTENING_ON)?.[1]).toBe(
      'http://127.0.0.1:4010',
    );
    const json = '{"level":"info","msg":"listening on http://127.0.0.1:34135"}\n';
    expect(json.match(LISTENING_ON)?.[1]).toBe('http://127.0.0.1:34135');
  });
});
