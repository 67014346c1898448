/**
 * Known drifts are read and matched by `@sgi/mock/drift`, the one place the validating proxy and this
 * run share: both accept the same entries of `known-drift.yaml` and look inside a known bare answer the
 * same way.
 */
export { type KnownDrift, loadKnownDrift, matchDrift } from '@sgi/mock/drift';
