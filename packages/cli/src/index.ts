export type {
  CommonOptions,
  Context,
  CreateOptions,
  DestroyOptions,
  ListOptions,
  WaitCommandOptions,
} from './commands.js';
export {
  type ErrorDocument,
  ExitCode,
  type ExitCodeValue,
  errorDocument,
  exitCodeOf,
  UsageError,
} from './errors.js';
export { endpointOf } from './format.js';
export { type CliIO, colourOn, type InStream, type OutStream } from './output.js';
export { bodyFromFlags, buildProgram, type RunOptions, run } from './program.js';
export { type FieldProblem, type ParsedFile, parseCreateFile, validateCreate } from './validate.js';
