/** The response body every client benchmark answers with. */
import { loadSpec } from '@sgi/spec';

/** The id every GET asks for (the example's own id). */
export const deploymentId = '3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41';

/** The spec's own example of an active deployment (`getInferenceDeployment` 200), as JSON text. */
export function responseBody(): string {
  const examples = loadSpec().components.examples as Record<string, { value: unknown }>;
  const example = examples.DeploymentActive;
  if (!example) throw new Error('the spec has no DeploymentActive example: the benchmark body comes from it');
  return JSON.stringify(example.value);
}
