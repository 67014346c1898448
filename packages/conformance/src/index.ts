export { type Contract, loadContract } from './contract.js';
export { type KnownDrift, loadKnownDrift, matchDrift } from './drift.js';
export { checkEndpoint, type EndpointCheckOptions } from './endpoint.js';
export type { Finding, FindingKind } from './findings.js';
export { exitCode, formatJUnit, formatTable, newDrift } from './report.js';
export {
  type CheckResult,
  type ConformanceOptions,
  type ConformanceReport,
  cheapestCreateBody,
  INVALID_CREATE_BODY,
  runConformance,
} from './run.js';
export { type Exchange, validateExchange } from './validate.js';
