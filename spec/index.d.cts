/** Absolute path of the bundled spec as YAML (one file, no external `$ref`s). */
export declare const specYamlPath: string;
/** Absolute path of the bundled spec as JSON (one file, no external `$ref`s). */
export declare const specJsonPath: string;
/** Absolute path of the reviewed list of production's known differences from the spec (YAML). */
export declare const knownDriftPath: string;
/** Reads and parses the bundled spec (an OpenAPI 3.1 document). Each call returns a fresh object. */
export declare function loadSpec(): OpenApiDocument;

/** Absolute path of the bundled description of a deployment's model endpoint (`link + "/inference"`), as YAML. */
export declare const endpointSpecYamlPath: string;
/** Absolute path of the bundled description of a deployment's model endpoint, as JSON. */
export declare const endpointSpecJsonPath: string;
/** Reads and parses the bundled description of a deployment's model endpoint (OpenAI-compatible routes). Each call returns a fresh object. */
export declare function loadEndpointSpec(): OpenApiDocument;

/** The parts of an OpenAPI 3.1 document that this package promises; everything else is `unknown`. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  servers: Array<{
    url: string;
    description?: string;
    variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
  }>;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}
