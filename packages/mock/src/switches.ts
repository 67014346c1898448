import type { FieldError } from './errors.js';
import type { Operation } from './spec.js';

/**
 * Prism reads switches from each request: the `Prefer` header's `code`, `example`, `dynamic` and `seed`,
 * or, when there is no `Prefer` header, the query parameters `__code`, `__example`, `__dynamic` and
 * `__seed`. `dynamic` makes Prism generate data from the schemas, which one request can make unbounded
 * (it ran the process out of memory), so only `code` and `example`, checked against the spec, ever reach
 * Prism: the front rebuilds the `Prefer` header from them and takes the query switches out of the URL.
 */
export interface Switches {
  /** The `Prefer` header to forward to Prism, or undefined for none. */
  prefer: string | undefined;
  /** The request target to forward, without Prism's query switches. */
  url: string;
}

/** Why the switches of a request are refused: the offending preferences, as field errors. */
export interface RefusedSwitches {
  errors: FieldError[];
}

/** The switches partners may use: `code` (a documented status) and `example` (a named example of it). */
const ALLOWED = ['code', 'example'] as const;
/** Prism's other switches, which make it generate data: refused with a clear error. */
const REFUSED = ['dynamic', 'seed'] as const;
const QUERY_SWITCHES = new Set([...ALLOWED, ...REFUSED].map((name) => `__${name}`));

/** Prism reads preference names through lodash's camelCase; this folds them the same way for a check. */
const fold = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Splits `text` at `separator` outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (i === text.length || (char === separator && !quoted)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return parts;
}

/** The preferences of a `Prefer` header (RFC 7240), names folded; the first of each name wins, as in Prism. */
function parsePrefer(header: string): Map<string, string> {
  const preferences = new Map<string, string>();
  for (const preference of splitOutsideQuotes(header, ',')) {
    // Parameters after `;` belong to the preference before them; Prism names them `<preference>-<name>`.
    const [first, ...parameters] = splitOutsideQuotes(preference, ';');
    const entries = [first ?? '', ...parameters].map((part) => {
      const at = part.indexOf('=');
      const name = (at < 0 ? part : part.slice(0, at)).trim();
      let value = at < 0 ? '' : part.slice(at + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return [name, value] as const;
    });
    const base = entries[0]?.[0] ?? '';
    entries.forEach(([name, value], i) => {
      const key = fold(i === 0 ? name : `${base}${name}`);
      if (key && !preferences.has(key)) preferences.set(key, value);
    });
  }
  return preferences;
}

/** The query string's pieces, split on `&`, each with its decoded name (`+` read as a space). */
function queryPieces(query: string): Array<{ raw: string; name: string; value: string }> {
  if (!query) return [];
  return query.split('&').map((raw) => {
    const at = raw.indexOf('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replaceAll('+', ' '));
      } catch {
        return text;
      }
    };
    return {
      raw,
      name: decode(at < 0 ? raw : raw.slice(0, at)),
      value: decode(at < 0 ? '' : raw.slice(at + 1)),
    };
  });
}

const describe = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none');

/**
 * Reads and checks the request-side switches of one request to `operation` (undefined when the route is
 * not in the spec; then nothing is checked against it). Returns what to forward to Prism, or the errors
 * that refuse the request.
 */
export function readSwitches(
  url: string,
  preferHeader: string | string[] | undefined,
  operation: Operation | undefined,
): Switches | RefusedSwitches {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const pieces = queryPieces(at < 0 ? '' : url.slice(at + 1));
  const prefer = Array.isArray(preferHeader) ? preferHeader.join(',') : preferHeader;

  // Prism reads the query switches only when there is no `Prefer` header; so does this.
  const values = new Map<string, string>();
  const sources = new Map<string, string>();
  if (prefer !== undefined && prefer.trim() !== '') {
    for (const [name, value] of parsePrefer(prefer)) {
      values.set(name, value);
      sources.set(name, `Prefer.${name}`);
    }
  } else {
    for (const piece of pieces) {
      if (!QUERY_SWITCHES.has(piece.name)) continue;
      const name = piece.name.slice(2);
      if (values.has(name)) continue;
      values.set(name, piece.value);
      sources.set(name, piece.name);
    }
  }
  // A query switch next to a `Prefer` header is ignored by Prism; refuse the ones that generate data anyway.
  for (const piece of pieces) {
    const name = piece.name.slice(2);
    if (
      QUERY_SWITCHES.has(piece.name) &&
      (REFUSED as readonly string[]).includes(name) &&
      !values.has(name)
    ) {
      values.set(name, piece.value);
      sources.set(name, piece.name);
    }
  }

  const errors: FieldError[] = [];
  for (const name of REFUSED) {
    if (!values.has(name)) continue;
    errors.push({
      field: sources.get(name) as string,
      message: `is not supported by this mock, which serves the spec's examples only: use code and example`,
      code: 'unsupported',
    });
  }

  let code: number | undefined;
  const codeText = values.get('code');
  if (codeText !== undefined) {
    const documented = operation ? [...operation.responses.keys()] : [];
    if (!/^\d{3}$/.test(codeText)) {
      errors.push({
        field: sources.get('code') as string,
        message: `must be a status the operation documents: ${describe(documented.map(String))}`,
        code: 'type',
      });
    } else {
      code = Number(codeText);
    }
  }
  const example = values.get('example');
  if (example !== undefined && operation) {
    // Without `code`, Prism answers the first documented success.
    const status =
      code ?? [...operation.responses.keys()].filter((s) => s >= 200 && s < 300).sort((a, b) => a - b)[0];
    const names = status === undefined ? undefined : operation.responses.get(status);
    // An undocumented `code` is Prism's to answer (404, naming it).
    if (names && !names.includes(example)) {
      errors.push({
        field: sources.get('example') as string,
        message: `must name an example of the ${status} response of ${operation.method} ${operation.template}: ${describe(names)}`,
        code: 'enum',
      });
    }
  }
  if (errors.length > 0) return { errors };

  const forwarded: string[] = [];
  if (code !== undefined) forwarded.push(`code=${code}`);
  if (example !== undefined) forwarded.push(`example="${example.replaceAll('"', '')}"`);
  const kept = pieces.filter((piece) => !QUERY_SWITCHES.has(piece.name)).map((piece) => piece.raw);
  return {
    prefer: forwarded.length > 0 ? forwarded.join(', ') : undefined,
    url: kept.length > 0 ? `${path}?${kept.join('&')}` : path,
  };
}
