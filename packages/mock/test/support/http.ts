import { expect } from 'vitest';
import { responseViolations } from './contract.js';

/** What a call to the mock answered. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON bodies.
  body: any;
}

/** Options of one call: a bearer token (none when null), a body (sent as JSON unless a string), extra headers. */
export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A small HTTP helper bound to one mock server; checks every answer of a spec route against the spec. */
export function client(baseUrl: string, defaultToken = 'test-token') {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const token = options.token === undefined ? defaultToken : options.token;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    const body = options.body;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

/** Asserts that an answer is what the spec documents for this operation and status. */
export function expectDocumented(method: string, path: string, answer: Answer): void {
  expect(
    responseViolations(method, path, answer.status, answer.body),
    `${method} ${path} ${answer.status}`,
  ).toEqual([]);
}
