import type { paths } from '../generated/schema.js';

type Method = 'get' | 'post' | 'delete';

/** The HTTP methods the spec defines for `P`. */
export type MethodOf<P extends keyof paths> = {
  [M in Method]-?: undefined extends paths[P][M] ? never : M;
}[Method];

/** The `message` of an operation's 200 body: what the client method resolves with. */
export type MessageOf<P extends keyof paths, M extends MethodOf<P>> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': { message: infer R } } } };
}
  ? R
  : never;

/** What the transport needs to know about one operation of the spec. */
export interface Operation<T> {
  /** Its name in messages: `inference.get`. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The spec's path template: `/sg_inf/{inference_id}/scale/up`. */
  readonly path: string;
  /** The path up to its parameter (all of it when there is none), and what follows the parameter. */
  readonly prefix: string;
  readonly suffix: string;
  /**
   * Whether a retry is harmless whatever happened to the first attempt: the reads, which are the
   * `GET` operations. Other calls are retried only when the server cannot have processed them.
   */
  readonly safe: boolean;
  /** What a 204 (no content) means: a not-found deployment, or an empty list. */
  readonly empty?: 'notFound' | 'list';
  /** The result type, for the compiler only (invariant: the method must say exactly this type). */
  readonly result?: (value: T) => T;
}

/**
 * Declares an operation of the spec. `path` and `method` must be an operation of the generated
 * `paths`, and the result type is that operation's 200 `message`: renaming a path or changing a
 * response in the spec fails to compile here. A `GET` is safe to retry; `empty` says what a 204
 * means for it (see {@link Operation}).
 */
export function operation<P extends keyof paths, M extends MethodOf<P>>(
  name: string,
  path: P,
  method: M,
  empty?: 'notFound' | 'list',
): Operation<MessageOf<P, M>> {
  const [prefix = path, suffix = ''] = path.split(/\{[^}]+\}/);
  return {
    name,
    method: method.toUpperCase() as Operation<unknown>['method'],
    path,
    prefix,
    suffix,
    safe: method === 'get',
    empty,
  };
}
