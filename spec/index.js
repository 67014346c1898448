import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the bundled spec as YAML (one file, no external `$ref`s). */
export const specYamlPath = fileURLToPath(new URL('./dist/openapi.yaml', import.meta.url));

/** Absolute path of the bundled spec as JSON (one file, no external `$ref`s). */
export const specJsonPath = fileURLToPath(new URL('./dist/openapi.json', import.meta.url));

/** Absolute path of the reviewed list of production's known differences from the spec (YAML). */
export const knownDriftPath = fileURLToPath(new URL('./known-drift.yaml', import.meta.url));

/** Absolute path of the bundled description of a deployment's model endpoint (`link + "/inference"`), as YAML. */
export const endpointSpecYamlPath = fileURLToPath(new URL('./dist/endpoint.yaml', import.meta.url));

/** Absolute path of the bundled description of a deployment's model endpoint, as JSON. */
export const endpointSpecJsonPath = fileURLToPath(new URL('./dist/endpoint.json', import.meta.url));

/** Reads and parses the bundled spec. Each call returns a fresh object that the caller may change. */
export function loadSpec() {
  return JSON.parse(readFileSync(specJsonPath, 'utf8'));
}

/** Reads and parses the bundled description of a deployment's model endpoint. Each call returns a fresh object. */
export function loadEndpointSpec() {
  return JSON.parse(readFileSync(endpointSpecJsonPath, 'utf8'));
}
