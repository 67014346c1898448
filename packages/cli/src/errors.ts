import {
  APIConnectionError,
  APIError,
  DeploymentFailedError,
  NotFoundError,
  ScaleGenError,
  WaitTimeoutError,
} from '@sgi/client';

/** The exit codes of `sgi`, as its README documents them. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The API answered with an error, or could not be reached. */
  api: 1,
  /** Wrong usage: unknown flag, missing argument, invalid file, no credentials, refused confirmation. */
  usage: 2,
  /** No deployment with this id. */
  notFound: 3,
  /** `wait` (or `--wait`) saw the deployment fail, or its deadline passed. */
  waitFailed: 4,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake of the caller found before anything was sent: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Further lines to print under the message (one per problem). */
  readonly details: readonly string[];

  /** @param message one line; @param details one more line each. */
  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.details = details;
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof NotFoundError) return ExitCode.notFound;
  if (error instanceof DeploymentFailedError || error instanceof WaitTimeoutError) return ExitCode.waitFailed;
  if (error instanceof APIError || error instanceof APIConnectionError) return ExitCode.api;
  // Found by the client before sending: no credentials, an id that is not a deployment id.
  if (error instanceof ScaleGenError) return ExitCode.usage;
  return ExitCode.api;
}

/** What `--json` prints (to standard error) for a failed command: no stack, no headers, no secrets. */
export interface ErrorDocument {
  error: {
    /** The error class: `NotFoundError`, `UsageError`, `WaitTimeoutError`, ... */
    type: string;
    message: string;
    /** The exit code the command ends with. */
    exitCode: number;
    /** HTTP status, for an answer of the API. */
    status?: number;
    /** The request id to quote to support, when the API gave one. */
    requestId?: string;
    /** The offending fields, for a rejected request or an invalid file. */
    errors?: Array<{ field: string; message: string; line?: number }>;
  };
}

/** The error as {@link ErrorDocument}. The client's messages are already free of secrets. */
export function errorDocument(error: unknown): ErrorDocument {
  const exitCode = exitCodeOf(error);
  if (error instanceof APIError) {
    return {
      error: {
        type: error.name,
        message: error.message,
        exitCode,
        status: error.status,
        ...(error.requestId ? { requestId: error.requestId } : {}),
        ...(error.errors.length
          ? { errors: error.errors.map((e) => ({ field: e.field, message: e.message })) }
          : {}),
      },
    };
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { error: { type: name, message, exitCode } };
}
