import createOpenApiFetch, { type Client } from 'openapi-fetch';
import type { paths } from './generated/schema.js';
import type { ScaleGenClient } from './index.js';

/**
 * A plain openapi-fetch client on the same spec types, base URL, credentials and headers as
 * `client`: results as `{ data, error, response }`, no retries, no timeouts. For anything the
 * resource methods do not cover. A separate export, so that code which does not use it does not
 * carry openapi-fetch.
 */
export function rawClient(client: ScaleGenClient): Client<paths> {
  return createOpenApiFetch<paths>({ baseUrl: client.baseUrl, fetch: client.fetch });
}
