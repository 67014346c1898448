import type { ServerResponse } from 'node:http';

/** One offending field of a rejected request, as the spec's `FieldError` describes it. */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

/** The spec's `ErrorResponse` envelope. */
export interface ErrorEnvelope {
  success: false;
  message: string;
  errors?: FieldError[];
  request_id?: string;
}

/** The 401 message (the spec's own example words it the same way). */
export const UNAUTHORIZED = "Missing or invalid bearer token: send 'Authorization: Bearer <access_token>'.";

/** Builds the spec's error envelope. */
export function envelope(message: string, errors?: FieldError[]): ErrorEnvelope {
  return errors && errors.length > 0 ? { success: false, message, errors } : { success: false, message };
}

/** The sentence that introduces a list of invalid fields. */
export function invalidFieldsMessage(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((e) => e.field || '(the body)'))];
  const noun = fields.length === 1 ? 'field' : 'fields';
  const list = fields.length > 10 ? `${fields.slice(0, 10).join(', ')}, ...` : fields.join(', ');
  return `The request has ${fields.length} invalid ${noun}: ${list}.`;
}

/** The error envelope each response was answered with, for the request log. */
export const answeredErrors = new WeakMap<ServerResponse, ErrorEnvelope>();

/** Sends a JSON body with a status and extra headers, unless a response was already sent. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if ((body as Partial<ErrorEnvelope> | null)?.success === false)
    answeredErrors.set(res, body as ErrorEnvelope);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
