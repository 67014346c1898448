export { operationMatcher } from './operations.js';
export { ProxySummary, type ProxyViolation, redact } from './report.js';
export { type ProxyOptions, startValidatingProxy, type ValidatingProxy } from './server.js';
