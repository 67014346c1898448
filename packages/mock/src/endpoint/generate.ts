import { createHash } from 'node:crypto';

/**
 * The sandbox's stand-in for a model: reproducible text, JSON, tool calls and embeddings derived from the
 * request alone (a hash of the prompt, the seed and the choice), so that the same request always gets
 * the same answer, on every replica. No I/O: a pure function of its input.
 */

/** A pseudo-random sequence seeded from a text (sfc32 over the text's SHA-256). */
export function randomOf(key: string): () => number {
  const h = createHash('sha256').update(key).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const WORDS = (
  'the a model answer sandbox request token stream deployment endpoint quick gentle river mountain ' +
  'signal bright quiet careful steady simple clear light green blue morning evening garden window ' +
  'paper music story answer question reason example number value result system partner cloud ' +
  'engine worker scale zero start ready active call reply echo harbor forest meadow lantern ' +
  'compass orbit pixel vector'
).split(' ');

/** Tokens in a text, as the sandbox counts them (words and punctuation marks; an approximation). */
export function countTokens(text: string): number {
  return text.match(/\w+|[^\w\s]/g)?.length ?? 0;
}

/** A text cut into the pieces a stream sends (each piece one token, its leading space with it). */
export function piecesOf(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Why generation ended, as OpenAI-compatible servers say it. */
export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** What one choice generated: its pieces (joined, the text) and why it ended. */
export interface Generated {
  pieces: string[];
  finish: FinishReason;
}

/** A sentence of 8 to 40 tokens, reproducible from `key`. */
export function sentence(key: string): string[] {
  const random = randomOf(key);
  const length = 8 + Math.floor(random() * 33);
  const pieces: string[] = [];
  for (let i = 0; i < length - 1; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string;
    pieces.push(i === 0 ? word[0]?.toUpperCase() + word.slice(1) : ` ${word}`);
  }
  pieces.push('.');
  return pieces;
}

/**
 * Cuts generated pieces at the first stop sequence (which is left out: finish `stop`) or at `maxTokens`
 * pieces (finish `length`).
 */
export function bounded(pieces: string[], maxTokens: number, stop: string[]): Generated {
  let finish: FinishReason = 'stop';
  let kept = pieces;
  if (kept.length > maxTokens) {
    kept = kept.slice(0, maxTokens);
    finish = 'length';
  }
  const text = kept.join('');
  let cut = -1;
  for (const s of stop) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut < 0) return { pieces: kept, finish };
  const out: string[] = [];
  let length = 0;
  for (const piece of kept) {
    if (length + piece.length <= cut) {
      out.push(piece);
      length += piece.length;
    } else {
      if (cut > length) out.push(piece.slice(0, cut - length));
      break;
    }
  }
  return { pieces: out, finish: 'stop' };
}

/** A JSON object text of at most `maxTokens` pieces (`{}` when nothing more fits), reproducible from `key`. */
export function jsonObjectText(key: string, maxTokens: number): string[] {
  const words = sentence(key).slice(0, -1);
  const fit = Math.max(0, Math.min(words.length, maxTokens - 1));
  if (maxTokens < 2) return ['{}'];
  const text = JSON.stringify({ answer: words.slice(0, fit).join('').trim() });
  // Pieces of the JSON text: at most fit + 1 of them.
  return piecesOf(text);
}

type Schema = Record<string, unknown>;

/**
 * A value that matches a JSON Schema (the subset tools and response formats use: types, properties,
 * required, enum, const, items, bounds, anyOf/oneOf/allOf, common string formats), reproducible from
 * `random`. Every declared property is filled in, to `depth` levels.
 */
export function instanceOf(schema: unknown, random: () => number, depth = 0): unknown {
  if (schema === true || schema === undefined || schema === null) return {};
  if (typeof schema !== 'object') return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(random() * s.enum.length)];
  if ('default' in s && s.default !== undefined) return s.default;
  if (Array.isArray(s.allOf)) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of s.allOf as Schema[]) {
      Object.assign(merged.properties as Schema, part.properties ?? {});
      (merged.required as string[]).push(...((part.required as string[]) ?? []));
    }
    return instanceOf(merged, random, depth);
  }
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options) && options.length > 0) return instanceOf(options[0], random, depth);
  let type = s.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = s.properties ? 'object' : s.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required as string[]) ?? []);
      for (const [name, sub] of Object.entries(properties)) {
        if (depth < 4 || required.has(name)) out[name] = instanceOf(sub, random, depth + 1);
      }
      for (const name of required) if (!(name in out)) out[name] = 'value';
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Math.max(min, 2);
      const count = Math.min(Math.max(min, 1), max, 16);
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(instanceOf(s.items, random, depth + 1));
      return s.uniqueItems ? [...new Map(items.map((v) => [JSON.stringify(v), v])).values()] : items;
    }
    case 'integer':
    case 'number': {
      const low =
        typeof s.minimum === 'number'
          ? s.minimum
          : typeof s.exclusiveMinimum === 'number'
            ? s.exclusiveMinimum + 1
            : 0;
      const high =
        typeof s.maximum === 'number'
          ? s.maximum
          : typeof s.exclusiveMaximum === 'number'
            ? s.exclusiveMaximum - 1
            : low + 100;
      const value = low + random() * Math.max(0, high - low);
      if (type === 'integer') {
        const lo = Math.ceil(low);
        const hi = Math.floor(high);
        return hi < lo ? lo : Math.min(hi, Math.max(lo, Math.round(value)));
      }
      return Math.min(high, Math.max(low, Math.round(value * 100) / 100));
    }
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default: {
      const format = s.format;
      if (format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (format === 'date') return '2026-01-01';
      if (format === 'email') return 'partner@example.com';
      if (format === 'uri' || format === 'url') return 'https://example.com/';
      if (format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      let text = WORDS[Math.floor(random() * WORDS.length)] as string;
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      while (text.length < minLength) text += ` ${WORDS[Math.floor(random() * WORDS.length)]}`;
      return typeof s.maxLength === 'number' ? text.slice(0, s.maxLength) : text;
    }
  }
}

/** Default length of the sandbox's embeddings. */
export const EMBEDDING_DIMENSIONS = 384;

/** A unit vector of `dimensions` values, equal for equal `key`. */
export function embeddingOf(key: string, dimensions: number): number[] {
  const random = randomOf(key);
  const values = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)) || 1;
  return values.map((v) => v / norm);
}

/** A vector as OpenAI's `encoding_format: "base64"` sends it: its float32 values, little-endian, in base64. */
export function base64Of(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  for (const [i, v] of vector.entries()) buffer.writeFloatLE(v, i * 4);
  return buffer.toString('base64');
}
