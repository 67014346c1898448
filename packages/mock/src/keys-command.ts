import { parseArgs } from 'node:util';

/** The `sgi-mock keys` help text. */
export const KEYS_HELP = `Usage: sgi-mock keys create <name>    issue a sandbox key for a partner (its secret is shown once)
       sgi-mock keys list             list the keys (names, prefixes, creation times; never secrets)
       sgi-mock keys revoke <name>    revoke a key at once and remove its tenant's data

Talks to a running sandbox's admin API (started with --auth keys and an admin token).
Options:
  --url <url>             the sandbox (default: SGI_MOCK_URL, else http://127.0.0.1:4010)
  --admin-token <token>   the operator's admin token (default: SGI_MOCK_ADMIN_TOKEN)
`;

/** What the command printed and its exit code. */
export interface CommandResult {
  code: number;
  out: string;
  err: string;
}

interface ListedKey {
  name: string;
  prefix: string;
  created_at: string;
}

/**
 * Runs `sgi-mock keys ...`: issues, lists or revokes sandbox keys through the admin API of a running
 * sandbox, so that the keys live where the sandbox keeps its state (its memory, or a shared store).
 */
export async function keysCommand(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<CommandResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    return { code: 2, out: '', err: `sgi-mock keys: ${(error as Error).message}\n\n${KEYS_HELP}` };
  }
  const { values, positionals } = parsed;
  const [action, name, ...rest] = positionals;
  const usage = (why: string) => ({ code: 2, out: '', err: `sgi-mock keys: ${why}\n\n${KEYS_HELP}` });
  if (values.help) return { code: 0, out: KEYS_HELP, err: '' };
  if (rest.length > 0) return usage(`unexpected argument '${rest[0]}'.`);
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    return usage(action ? `unknown action '${action}'.` : 'say what to do: create, list or revoke.');
  }
  if ((action === 'create' || action === 'revoke') && !name)
    return usage(`'${action}' needs the key's name.`);
  if (action === 'list' && name) return usage(`'list' takes no name.`);
  const token = values['admin-token'] ?? env.SGI_MOCK_ADMIN_TOKEN;
  if (!token) return usage('the admin token is missing: pass --admin-token or set SGI_MOCK_ADMIN_TOKEN.');
  const base = (values.url ?? env.SGI_MOCK_URL ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');

  const endpoint = `${base}/__sandbox/admin/keys${action === 'revoke' ? `/${encodeURIComponent(name as string)}` : ''}`;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: action === 'create' ? 'POST' : action === 'list' ? 'GET' : 'DELETE',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(action === 'create' ? { body: JSON.stringify({ name }) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    return { code: 1, out: '', err: `sgi-mock keys: cannot reach the sandbox at ${base}: ${cause}\n` };
  }
  const body = (await res.json().catch(() => undefined)) as
    | { success?: boolean; message?: unknown }
    | undefined;
  if (!res.ok || !body?.success) {
    const said = typeof body?.message === 'string' ? body.message : `HTTP ${res.status}`;
    return { code: 1, out: '', err: `sgi-mock keys: ${said}\n` };
  }
  if (action === 'create') {
    const key = body.message as ListedKey & { key: string };
    return {
      code: 0,
      out: `Sandbox key for '${key.name}' (shown once: hand it to the partner now; only its hash is kept):\n${key.key}\n`,
      err: '',
    };
  }
  if (action === 'list') {
    const keys = body.message as ListedKey[];
    if (keys.length === 0) return { code: 0, out: 'No sandbox keys.\n', err: '' };
    const width = Math.max(4, ...keys.map((k) => k.name.length));
    const lines = keys.map((k) => `${k.name.padEnd(width)}  ${k.prefix}...  ${k.created_at}`);
    return {
      code: 0,
      out: `${'name'.padEnd(width)}  prefix           created\n${lines.join('\n')}\n`,
      err: '',
    };
  }
  return { code: 0, out: `${String(body.message)}\n`, err: '' };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
