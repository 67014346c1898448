import { type Child, LISTENING_ON, start, waitForAnswer, waitForOutput } from '../process.js';
import { packageDir } from '../repo.js';

/** The sandbox as the benchmarks run it: a process of its own on a free port, deployments ACTIVE at once. */
export const SANDBOX_ARGS: readonly string[] = [
  '--mode',
  'sandbox',
  '--port',
  '0',
  '--provision-delay-ms',
  '0',
];

/**
 * Starts the built `sgi-mock` with {@link SANDBOX_ARGS} and `args` (handing the process to `spawned`, which
 * stops it); resolves with its origin once it answers a list with `headers`.
 */
export async function startSandbox(
  args: readonly string[],
  spawned: (child: Child) => void,
  headers: Record<string, string> = { authorization: 'Bearer bench-token' },
): Promise<string> {
  const cli = `${packageDir('@sgi/mock')}/dist/cli.js`;
  const child = start(process.execPath, [cli, ...SANDBOX_ARGS, ...args]);
  spawned(child);
  const [, origin] = await waitForOutput(child, LISTENING_ON, 120_000);
  await waitForAnswer(`${origin}/sg_inf/list`, child, performance.now(), { headers }, 5, 60_000);
  return origin as string;
}
