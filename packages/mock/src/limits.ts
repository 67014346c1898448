/** Default cap on a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Default cap on the nesting of arrays and objects in a JSON body. */
export const DEFAULT_MAX_DEPTH = 32;

/**
 * Default cap on the values (objects, arrays, strings, numbers...) in a JSON body: a valid create holds
 * a few hundred at most (64 LoRA adapters are about 260), and this bounds the validator's work per request (each bad value costs it an
 * error or more).
 */
export const DEFAULT_MAX_JSON_VALUES = 2000;

/**
 * Whether a parsed JSON value nests arrays and objects deeper than `maxDepth` levels or holds more than
 * `maxValues` values; checked without recursion, and stops as soon as either bound is passed.
 */
export function jsonShapeProblem(
  value: unknown,
  maxDepth: number,
  maxValues = Number.POSITIVE_INFINITY,
): 'too deep' | 'too many values' | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (++seen > maxValues) return 'too many values';
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > maxDepth) return 'too deep';
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** The sandbox's default bounds on what it stores (see `MockServerOptions`). */
export const DEFAULT_LIMITS = {
  maxTenants: 1000,
  maxDeploymentsPerTenant: 1000,
  maxTenantBytes: 2 * 1024 * 1024,
  maxDeployments: 10_000,
  maxTotalBytes: 64 * 1024 * 1024,
  tenantTtlMs: 24 * 3_600_000,
} as const;
