/** Default cap on a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Default cap on the nesting of arrays and objects in a JSON body. */
export const DEFAULT_MAX_DEPTH = 32;

/** Whether a parsed JSON value nests arrays and objects deeper than `max` levels (checked without recursion). */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
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
