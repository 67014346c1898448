/** A conflict between fields of a request body: the field at fault, as a path from the body, and why. */
export interface FieldConflict {
  /** The field, as a path from the request body (`['autoscaling_config', 'scale_to_zero']`). */
  path: string[];
  /** Why it conflicts, in words that name the other field. */
  message: string;
}

/**
 * The conflicts between fields of a create request body (`POST /sg_inf/create`) that the spec states in
 * words; empty when there are none or when the body is not an object (the schema reports that).
 */
export declare function createBodyConflicts(body: unknown): FieldConflict[];
