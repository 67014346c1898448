/** One request as a stub `fetch` saw it. */
export interface StubCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A `fetch` that answers from a handler and records every call; the handler gets the call and
 * its index. A handler that throws makes the call fail like a network error.
 */
export function stubFetch(handler: (call: StubCall, index: number) => Response | Promise<Response>) {
  const calls: StubCall[] = [];
  const fetch = (async (url: string, init: RequestInit = {}) => {
    const call: StubCall = {
      url: String(url),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body as string | undefined,
    };
    calls.push(call);
    return handler(call, calls.length - 1);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** A JSON response. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
