import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envelope, sendJson } from '../errors.js';
import type { SandboxKey, SandboxStore } from './store/types.js';
import { bearerToken, sha256 } from './tenant.js';

/** A partner's name, which is also its tenant's: lower-case letters, digits and dashes, 1 to 63 characters. */
export const KEY_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A new sandbox key's secret: 32 random bytes, prefixed so that it is recognisable (`sgi_sbx_...`). */
export function newKeySecret(): string {
  return `sgi_sbx_${randomBytes(32).toString('base64url')}`;
}

/** The key as the admin API lists it: never the secret, nor its hash. */
function listed(key: SandboxKey) {
  return { name: key.name, prefix: key.prefix, created_at: new Date(key.createdAt).toISOString() };
}

/** The admin API's routes, all under this prefix. */
export const ADMIN_PREFIX = '/__sandbox/admin/keys';

/** Reads a small JSON body (at most `max` bytes); undefined when it is larger or not JSON. */
async function smallJson(req: IncomingMessage, max: number): Promise<unknown> {
  if (Number(req.headers['content-length']) > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The admin API for sandbox keys, guarded by the operator's admin token (compared in constant time):
 * `POST /__sandbox/admin/keys` `{"name": "acme"}` issues a key and shows its secret once;
 * `GET /__sandbox/admin/keys` lists them; `DELETE /__sandbox/admin/keys/{name}` revokes one at once.
 * Without an admin token configured, the admin API does not exist (404).
 */
export function adminApi(store: SandboxStore, adminToken: string | undefined, clock: () => number) {
  const expected = adminToken ? Buffer.from(sha256(adminToken), 'hex') : undefined;
  const fail = (res: ServerResponse, status: number, message: string, headers?: Record<string, string>) =>
    sendJson(
      res,
      status,
      { ...envelope(message), request_id: String(res.getHeader('X-Request-Id')) },
      headers,
    );

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!expected) {
      req.resume();
      return fail(res, 404, `No such route: ${req.method} ${path.slice(0, 200)}.`);
    }
    const token = bearerToken(req.headers.authorization);
    const given = token ? Buffer.from(sha256(token), 'hex') : Buffer.alloc(expected.length);
    if (!token || !timingSafeEqual(given, expected)) {
      req.resume();
      return fail(
        res,
        401,
        "The admin API needs the operator's admin token: 'Authorization: Bearer <admin token>'.",
      );
    }
    if (req.method === 'POST' && path === ADMIN_PREFIX) {
      const body = (await smallJson(req, 4096)) as { name?: unknown } | undefined;
      const name = body?.name;
      if (typeof name !== 'string' || !KEY_NAME.test(name)) {
        return fail(
          res,
          422,
          'Send {"name": "<partner>"}: lower-case letters, digits and \'-\', 1 to 63 characters, starting with a letter or digit.',
        );
      }
      const secret = newKeySecret();
      const key: SandboxKey = { name, hash: sha256(secret), prefix: secret.slice(0, 12), createdAt: clock() };
      const created = await store.createKey(key);
      if (created === 'exists')
        return fail(res, 409, `A sandbox key named '${name}' exists: revoke it first.`);
      if (created === 'full') {
        return fail(
          res,
          409,
          `The sandbox holds as many keys as it has tenants (${store.limits.maxTenants}).`,
        );
      }
      return sendJson(res, 201, { success: true, message: { ...listed(key), key: secret } });
    }
    req.resume();
    if (req.method === 'GET' && path === ADMIN_PREFIX) {
      return sendJson(res, 200, { success: true, message: (await store.listKeys()).map(listed) });
    }
    const name = path.startsWith(`${ADMIN_PREFIX}/`) ? path.slice(ADMIN_PREFIX.length + 1) : undefined;
    if (req.method === 'DELETE' && name !== undefined) {
      return (await store.revokeKey(name))
        ? sendJson(res, 200, {
            success: true,
            message: `Sandbox key '${name}' is revoked and its tenant's data removed.`,
          })
        : fail(res, 404, `No sandbox key is named '${name.slice(0, 100)}'.`);
    }
    return fail(res, 404, `No such route: ${req.method} ${path.slice(0, 200)}.`);
  };
}
