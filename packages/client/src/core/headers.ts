import { ScaleGenError } from './errors.js';

/**
 * Headers as the client takes them: a `Headers`, `[name, value]` pairs, or a record whose `null`
 * values remove a header set by an earlier layer (`undefined` values are ignored).
 */
export type HeadersInput =
  | Headers
  | readonly (readonly [string, string])[]
  | Record<string, string | null | undefined>;

/** A layer of headers with lower-case names; `null` removes the header. */
export type HeaderLayer = Record<string, string | null>;

/** A header name: an HTTP token. */
const NAME = /^[\w!#$%&'*+.^`|~-]+$/;
/** What no header value may hold: a line break, a NUL, a character outside Latin-1. */
export const BAD_VALUE = /[\0\r\n]|[^\0-\xff]/;

/** The reason a value cannot be sent as a header, for error messages (never the value: it may be a secret). */
export const BAD_VALUE_WHY = 'it holds a line break, a NUL or a character outside Latin-1';

/**
 * Normalizes `input` to a layer of lower-case names, or `undefined` when there is nothing in it.
 * A name or value that `fetch` would refuse throws a {@link ScaleGenError} naming the header and
 * `where`, so that no request is attempted.
 */
export function headerLayer(input: HeadersInput | undefined, where = 'headers'): HeaderLayer | undefined {
  if (!input) return undefined;
  const layer: HeaderLayer = {};
  const entries: Iterable<readonly [string, string | null | undefined]> =
    input instanceof Headers || Array.isArray(input)
      ? (input as Iterable<readonly [string, string]>)
      : Object.entries(input);
  let any = false;
  for (const [name, value] of entries) {
    // As in the openai SDK: `undefined` leaves the header as the earlier layers set it.
    if (value === undefined) continue;
    if (!NAME.test(name)) throw new ScaleGenError(`${where}: ${JSON.stringify(name)} is not a header name`);
    if (value !== null && BAD_VALUE.test(value))
      throw new ScaleGenError(`${where}: header ${JSON.stringify(name)} cannot be sent: ${BAD_VALUE_WHY}`);
    layer[name.toLowerCase()] = value;
    any = true;
  }
  return any ? layer : undefined;
}

/** Applies `layers` in order onto `target`: a later layer wins, `null` removes. */
export function applyHeaders(
  target: Record<string, string>,
  ...layers: (HeaderLayer | undefined)[]
): Record<string, string> {
  for (const layer of layers) {
    if (!layer) continue;
    for (const name in layer) {
      const value = layer[name];
      if (value == null) delete target[name];
      else target[name] = value;
    }
  }
  return target;
}
