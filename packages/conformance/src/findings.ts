/**
 * What kind of difference from the spec a finding is:
 * - `status`: a status code the operation does not document;
 * - `media-type`: a body in a media type the spec does not document for that status;
 * - `envelope`: the bare result where the spec wraps it in `{"success": true, "message": ...}`;
 * - `schema`: a body that breaks its schema (a wrong type, a missing required field, a `200` with
 *   `"success": false`...); fields the spec does not know are not findings, answers may carry them;
 * - `new-enum-value`: a value of a response enum the spec does not list (a new GPU type or status): a
 *   warning, since clients must tolerate it;
 * - `header`: a header the spec requires is missing;
 * - `behaviour`: the server did something the contract rules out (accepted an invalid create, answered
 *   a call without credentials...);
 * - `unreachable`: no answer at all (connection refused, timeout).
 */
export type FindingKind =
  | 'status'
  | 'media-type'
  | 'envelope'
  | 'schema'
  | 'new-enum-value'
  | 'header'
  | 'behaviour'
  | 'unreachable';

/** One difference between what the server did and what the spec says. */
export interface Finding {
  /** The check that saw it (`list`, `get of a listed id`, ...). */
  check: string;
  /** The operation's `operationId`. */
  operation: string;
  /** The answer's status code (0 when there was none). */
  status: number;
  kind: FindingKind;
  /** JSON pointer into the answer's body (`""` for the whole body or for the answer itself). */
  pointer: string;
  message: string;
  /** `error` fails the run; `warning` does not. */
  severity: 'error' | 'warning';
  /** The answer's `X-Request-Id`, to quote to the API's support. */
  requestId?: string;
  /** The id of the known-drift entry that accepts this finding, if one does. */
  knownDrift?: string;
}
