import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The header by which the front tells the sandbox behind Prism whose request it is. The front removes
 * it from every incoming request and sets it itself, with a secret made at start-up, so no caller can
 * name another tenant.
 */
export const TENANT_HEADER = 'x-sgi-mock-tenant';

/** Who a request belongs to, once the front has authenticated it. */
export interface Tenant {
  /** The store's key: the SHA-256 of the bearer token (open mode) or the sandbox key's name (keys mode). */
  key: string;
  /** What logs and metrics show: the key's name, or the first 12 hex digits of the token's hash. */
  label: string;
  /** A tenant of a sandbox key exists by its key; an open-mode tenant only once it has created something. */
  admitted: boolean;
  /**
   * Keys mode: the SHA-256 of the sandbox key the request came with. A write checks that this key is still
   * the tenant's, so that a request in flight when its key is revoked cannot bring the tenant back.
   */
  epoch?: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The open-mode tenant of a bearer token: the token is kept only as its SHA-256. */
export function tenantOfToken(token: string): Tenant {
  const key = sha256(token);
  return { key, label: `token:${key.slice(0, 12)}`, admitted: false };
}

/** The `user_id` the API shows a tenant. */
export function userIdOf(key: string): string {
  return `usr_${(/^[0-9a-f]{64}$/.test(key) ? key : sha256(`key:${key}`)).slice(0, 12)}`;
}

/** Signs and reads the tenant header with a secret of this process. */
export function tenantHeader() {
  const secret = randomBytes(16).toString('hex');
  /** What follows the secret in a header the front set (tenant keys and epochs hold no ':'). */
  const signed = (value: string | string[] | undefined): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const given = Buffer.from(value.slice(0, secret.length));
    if (given.length !== secret.length || !timingSafeEqual(given, Buffer.from(secret))) return undefined;
    return value.slice(secret.length + 1);
  };
  return {
    value: (tenant: Tenant) => `${secret}:${tenant.key}${tenant.epoch ? `:${tenant.epoch}` : ''}`,
    /** The tenant key in a header the front set, or undefined for anything else. */
    read(value: string | string[] | undefined): string | undefined {
      return signed(value)?.split(':')[0] || undefined;
    },
    /** The epoch ({@link Tenant.epoch}) in a header the front set, or undefined. */
    epoch(value: string | string[] | undefined): string | undefined {
      return signed(value)?.split(':')[1] || undefined;
    },
  };
}

/** The bearer token of a request (the scheme is case-insensitive), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}
