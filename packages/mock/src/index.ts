export type { ErrorEnvelope, FieldError } from './errors.js';
export type { ContractViolation } from './front.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';
export {
  type ProxyOptions,
  ProxySummary,
  type ProxyViolation,
  startValidatingProxy,
  type ValidatingProxy,
} from './proxy/index.js';
export { type MockServer, type MockServerOptions, type SandboxClock, startMockServer } from './server.js';
