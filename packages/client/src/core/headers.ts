/**
 * Headers as the client takes them: a `Headers`, `[name, value]` pairs, or a record whose `null`
 * (or `undefined`) values remove a header set by an earlier layer.
 */
export type HeadersInput =
  | Headers
  | readonly (readonly [string, string])[]
  | Record<string, string | null | undefined>;

/** A layer of headers with lower-case names; `null` removes the header. */
export type HeaderLayer = Record<string, string | null>;

/** Normalizes `input` to a layer of lower-case names, or `undefined` when there is nothing in it. */
export function headerLayer(input: HeadersInput | undefined): HeaderLayer | undefined {
  if (!input) return undefined;
  const layer: HeaderLayer = {};
  const entries: Iterable<readonly [string, string | null | undefined]> =
    input instanceof Headers || Array.isArray(input)
      ? (input as Iterable<readonly [string, string]>)
      : Object.entries(input);
  let any = false;
  for (const [name, value] of entries) {
    layer[name.toLowerCase()] = value ?? null;
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
      if (value === null || value === undefined) delete target[name];
      else target[name] = value;
    }
  }
  return target;
}
