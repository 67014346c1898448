/**
 * Deliberate edits of the released bundle, each standing for one kind of change. They work on a copy
 * (`structuredClone`) and are checked against the real document's shape, so that an edit that no longer
 * finds its target fails loudly instead of silently changing nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: the edits reach into arbitrary JSON, checked by at() at run time
export type Json = Record<string, any>;
export type Edit = (s: Json) => void;

export function at(doc: Json, ...path: string[]): Json {
  let node: unknown = doc;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !(key in node))
      throw new Error(`No ${path.join('/')} in the bundle`);
    node = (node as Json)[key];
  }
  return node as Json;
}

const schemas = (s: Json) => at(s, 'components', 'schemas');
/** The object of InferenceDeployment's own fields (its second `allOf` member). */
const deploymentFields = (s: Json) => at(schemas(s), 'InferenceDeployment', 'allOf', '1');
/** The object of InferenceDeploymentCreate's request-only fields (`hf_token`, `llm_loras`, ...). */
const createFields = (s: Json) => {
  const parts = at(schemas(s), 'InferenceDeploymentCreate', 'allOf') as unknown as Json[];
  const own = parts.find((p) => p.properties && 'hf_token' in p.properties);
  if (!own) throw new Error('No member of InferenceDeploymentCreate.allOf has hf_token');
  return own;
};

export const breakingEdits = {
  'removed operation (GET /sg_inf/list)': (s) => {
    delete at(s, 'paths', '/sg_inf/list').get;
  },
  'removed response field (InferenceDeployment.user_id)': (s) => {
    delete at(deploymentFields(s), 'properties').user_id;
  },
  'removed request field (hf_token)': (s) => {
    delete at(createFields(s), 'properties').hf_token;
  },
  'response field no longer required (InferenceDeployment.status)': (s) => {
    const fields = deploymentFields(s);
    fields.required = (fields.required as string[]).filter((name) => name !== 'status');
  },
  'narrowed enum (GpuType without T4)': (s) => {
    const gpu = at(schemas(s), 'GpuType');
    gpu.enum = (gpu.enum as string[]).filter((value) => value !== 'T4');
  },
  'narrowed type (min_workers integer -> string)': (s) => {
    at(schemas(s), 'InitialWorkerConfig', 'properties', 'min_workers').type = 'string';
  },
  'narrowed limit (name maxLength 128 -> 64)': (s) => {
    at(schemas(s), 'DeploymentSettings', 'properties', 'name').maxLength = 64;
  },
  'new required request field (hf_token)': (s) => {
    const own = createFields(s);
    own.required = [...((own.required as string[] | undefined) ?? []), 'hf_token'];
  },
  'new required query parameter on an operation without parameters (list)': (s) => {
    at(s, 'paths', '/sg_inf/list', 'get').parameters = [
      { name: 'team', in: 'query', required: true, schema: { type: 'string' } },
    ];
  },
  'optional parameter made required (force)': (s) => {
    at(s, 'components', 'parameters', 'ForceDelete').required = true;
  },
  'changed success status (create 200 -> 201)': (s) => {
    const responses = at(s, 'paths', '/sg_inf/create', 'post', 'responses');
    responses['201'] = responses['200'];
    delete responses['200'];
  },
  'removed schema type (LlmLora, inlined where it was used)': (s) => {
    const lora = at(schemas(s), 'LlmLora');
    const inline = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(inline);
      if (!node || typeof node !== 'object') return node;
      if ((node as Json).$ref === '#/components/schemas/LlmLora') return structuredClone(lora);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
    };
    delete schemas(s).LlmLora;
    s.paths = inline(s.paths);
    s.components = inline(s.components);
  },
  'narrowed request pattern (Region: capitals only)': (s) => {
    at(schemas(s), 'Region').pattern = '^[A-Z]+$';
  },
  'response field type changed (cost number -> string)': (s) => {
    const cost = at(deploymentFields(s), 'properties', 'cost');
    cost.type = 'string';
    delete cost.format;
    delete cost.minimum;
    delete cost.maximum;
  },
  'removed error status (delete 409)': (s) => {
    delete at(s, 'paths', '/sg_inf/{inference_id}', 'delete', 'responses')['409'];
  },
} satisfies Record<string, Edit>;

export const additiveEdits = {
  'new operation (GET /sg_inf/{inference_id}/logs)': (s) => {
    const item = at(s, 'paths', '/sg_inf/{inference_id}');
    s.paths['/sg_inf/{inference_id}/logs'] = {
      parameters: item.parameters,
      get: {
        operationId: 'getInferenceDeploymentLogs',
        tags: ['Inference'],
        responses: {
          '200': { description: 'The logs.', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    };
  },
  'new optional request field (labels)': (s) => {
    at(createFields(s), 'properties').labels = { type: 'object', additionalProperties: { type: 'string' } };
  },
  'new response field (InferenceDeployment.region_label)': (s) => {
    at(deploymentFields(s), 'properties').region_label = { type: 'string' };
  },
  'new request enum value (GpuType B200)': (s) => {
    (at(schemas(s), 'GpuType').enum as string[]).push('B200');
  },
  'new optional query parameter (list ?status=)': (s) => {
    at(s, 'paths', '/sg_inf/list', 'get').parameters = [
      { name: 'status', in: 'query', required: false, schema: { type: 'string' } },
    ];
  },
  'wider limit (name maxLength 128 -> 256)': (s) => {
    at(schemas(s), 'DeploymentSettings', 'properties', 'name').maxLength = 256;
  },
  'new error status (list 404)': (s) => {
    at(s, 'paths', '/sg_inf/list', 'get').responses['404'] = { $ref: '#/components/responses/NotFound' };
  },
  'equivalent restructuring (the one-controller anyOf moved into an allOf member)': (s) => {
    const create = at(schemas(s), 'InferenceDeploymentCreate');
    if (!create.anyOf) throw new Error('InferenceDeploymentCreate has no top-level anyOf any more');
    create.allOf.push({ anyOf: create.anyOf });
    delete create.anyOf;
  },
  'opened response object (AutoscalingConfig accepts unknown fields)': (s) => {
    const config = at(schemas(s), 'AutoscalingConfig');
    if (config.additionalProperties !== false) throw new Error('AutoscalingConfig is already open');
    delete config.additionalProperties;
  },
  'wider request pattern (Region: any non-blank text)': (s) => {
    at(schemas(s), 'Region').pattern = '\\S';
  },
  'wider request pattern (LoraName with /)': (s) => {
    at(schemas(s), 'LoraName').pattern = '^[A-Za-z0-9][A-Za-z0-9._/-]*$';
  },
  'wider request limit and pattern (vpc_id: GCP and Azure network paths)': (s) => {
    const vpc = at(schemas(s), 'ControllerCloudConfig', 'properties', 'vpc_id');
    vpc.anyOf = [{ type: 'string', minLength: 1, maxLength: 1024, pattern: '^\\S+$' }, { type: 'null' }];
  },
  'looser response format (timestamps without a UTC offset)': (s) => {
    const timestamp = at(schemas(s), 'Timestamp');
    if (timestamp.format !== 'date-time') throw new Error('Timestamp is no longer a date-time');
    delete timestamp.format;
    timestamp.pattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?$';
  },
  'documentation only (descriptions, deprecation)': (s) => {
    s.info.description += '\n\nMore words.';
    at(schemas(s), 'GpuType').description += ' More words.';
    at(s, 'paths', '/sg_inf/list', 'get').deprecated = true;
  },
} satisfies Record<string, Edit>;

/** A copy of `doc` with `edit` applied. */
export function edited(doc: unknown, edit: Edit): Json {
  const copy = structuredClone(doc) as Json;
  edit(copy);
  return copy;
}
