export { type Bump, pendingBump } from './changesets.js';
export { type BreakingChange, findBreakingChanges, listChanges, type OperationChange } from './diff.js';
export { type GateInput, type GateResult, runGate } from './gate.js';
export {
  type RepoLayout,
  readGateInput,
  readGateInputs,
  recordRelease,
  repoLayout,
  SPEC_DOCUMENTS,
  type SpecDocument,
} from './repo.js';
