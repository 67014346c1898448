/**
 * The fields the spec says an answer always has, per friendly type. `required-fields.test-d.ts` checks
 * that the generated types make exactly these non-optional; `required-fields.test.ts` checks that they
 * are what the spec requires, so that neither list can drift from the spec.
 */
export const REQUIRED_FIELDS = {
  InferenceDeployment: ['id', 'name', 'model', 'inf_type', 'engine', 'status', 'timestamp'],
  CreateResult: ['success', 'message'],
  CreatedDeployment: ['inf_id'],
  ErrorResponse: ['success', 'message'],
} as const;
