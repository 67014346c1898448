import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request headers a browser may send: the API's, Prism's switches and the sandbox's own. */
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Prefer',
  'X-Sandbox-Chaos',
  'X-Sandbox-Outcome',
  'X-Sandbox-Quirks',
];
/** The response headers a browser application may read. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/** Who may call from a browser, applied to each request. */
export interface CorsPolicy {
  /** Adds the CORS headers of an actual (not preflight) request's answer. */
  decorate(req: IncomingMessage, res: ServerResponse): void;
  /** Answers a preflight (`OPTIONS` with `Access-Control-Request-Method`); false when it is not one. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The origins of pages served from this machine: `http(s)://localhost`, `127.x.x.x` or `[::1]`, any port.
 * A page of the web at large is none of them.
 */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;

/**
 * Who may call the mock from a browser. Bearer tokens travel in a header, so no caller needs credentials
 * mode (cookies), and `Access-Control-Allow-Credentials` is never sent. By default only pages served from
 * this machine (loopback origins: a local app, the docs run locally) may call, each answered by name: a
 * local sandbox holds the tenants of tokens everyone copies from the README, which any web page a
 * developer visits could otherwise read and reset. With `origins`, exactly those (each answered by
 * name); with `*` among them, any origin (`Access-Control-Allow-Origin: *`).
 */
export function corsPolicy(origins: readonly string[] = []): CorsPolicy {
  const any = origins.includes('*');
  const allowed = new Set(origins.filter((o) => o !== '*').map((origin) => origin.replace(/\/+$/, '')));
  const loopback = origins.length === 0;

  /** The `Access-Control-Allow-Origin` value for a request's `Origin`, or undefined for none. */
  function allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (any) return '*';
    return allowed.has(origin) || (loopback && LOOPBACK_ORIGIN.test(origin)) ? origin : undefined;
  }

  return {
    /** Adds the CORS headers of an actual (not preflight) request's answer. */
    decorate(req: IncomingMessage, res: ServerResponse): void {
      const value = allowOrigin(req.headers.origin);
      if (!any) res.setHeader('Vary', 'Origin');
      if (!value) return;
      res.setHeader('Access-Control-Allow-Origin', value);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    },
    /** Answers a preflight (`OPTIONS` with `Access-Control-Request-Method`); false when it is not one. */
    preflight(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined)
        return false;
      req.resume();
      const value = allowOrigin(req.headers.origin);
      const headers: Record<string, string> = { 'Content-Length': '0' };
      if (!any) headers.Vary = 'Origin';
      if (value) {
        // Any `X-Sandbox-*` header the browser asks for, so that a new sandbox header needs no change here.
        const asked = String(req.headers['access-control-request-headers'] ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => /^x-sandbox-[a-z0-9-]{1,40}$/i.test(name));
        const names = new Map([...ALLOWED_HEADERS, ...asked].map((name) => [name.toLowerCase(), name]));
        Object.assign(headers, {
          'Access-Control-Allow-Origin': value,
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          'Access-Control-Allow-Headers': [...names.values()].join(', '),
          'Access-Control-Max-Age': '600',
        });
      }
      res.writeHead(204, headers);
      res.end();
      return true;
    },
  };
}

/** Response headers that only this layer sets (Prism's own CORS answer reflects any origin). */
export const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-max-age',
  'vary',
];
