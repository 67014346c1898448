import { createBodyConflicts } from '@sgi/spec/rules';
import type { FieldError } from '../errors.js';
import type { Schema, SpecFacts } from '../spec.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The JSON types a schema admits (`type`, or the types of its `anyOf` branches). */
function typesOf(schema: Schema, facts: SpecFacts): string[] {
  const s = facts.deref(schema);
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type;
  if (s.properties) return ['object'];
  return (s.anyOf ?? []).flatMap((branch) => typesOf(branch, facts));
}

/**
 * Fills in what the spec says the server fills in: each property's `default`, `null` for an optional
 * property that may be null, and nested objects (such as `autoscaling_config`) with their own defaults.
 * Everything comes from the schema; nothing is restated here.
 */
export function applyDefaults(schema: Schema, value: unknown, facts: SpecFacts): unknown {
  const s = facts.deref(schema);
  if (Array.isArray(value)) {
    const items =
      s.items ?? (s.anyOf ?? []).map((b) => facts.deref(b)).find((b) => b.type === 'array')?.items;
    return items ? value.map((item) => applyDefaults(items, item, facts)) : value;
  }
  if (!isObject(value)) return value;
  let result: Json = { ...value };
  for (const part of s.allOf ?? []) result = applyDefaults(part, result, facts) as Json;
  for (const branch of s.anyOf ?? []) {
    const b = facts.deref(branch);
    const applies =
      typesOf(b, facts).includes('object') && (b.required ?? []).every((key) => result[key] != null);
    if (applies) result = applyDefaults(b, result, facts) as Json;
  }
  for (const [key, node] of Object.entries(s.properties ?? {})) {
    const prop = facts.deref(node);
    const fallback = node.default !== undefined ? node.default : prop.default;
    if (result[key] === undefined) {
      if (fallback !== undefined) result[key] = structuredClone(fallback);
      else if (typesOf(node, facts).includes('null')) result[key] = null;
      else if (prop.type === 'object' && prop.properties && !node.deprecated)
        result[key] = applyDefaults(node, {}, facts);
    } else {
      result[key] = applyDefaults(node, result[key], facts);
    }
  }
  return result;
}

/**
 * The default engine for each inference type, read from the sentence of `InferenceEngine`'s description
 * that lists them ("`llm` -> `vllm`, `embedding` -> `tei`, ...").
 */
export function defaultEngines(facts: SpecFacts): Record<string, string> {
  const engine = facts.deref({ $ref: '#/components/schemas/InferenceEngine' });
  const description = String(engine.description ?? '');
  return Object.fromEntries([...description.matchAll(/`(\w+)` -> `(\w+)`/g)].map((m) => [m[1], m[2]]));
}

/**
 * The deprecated latency fields and the thresholds that supersede them: sent alone, each is read as its
 * threshold; a stored deployment returns each equal to its threshold (the threshold wins when both are sent).
 */
const latencyAliases = [
  ['upper_allowed_latency_sec', 'upper_allowed_threshold'],
  ['lower_allowed_latency_sec', 'lower_allowed_threshold'],
] as const;

/** Rewrites the deprecated fields of older clients into the fields that replace them (as the spec documents). */
function upgradeLegacy(body: Json): Json {
  const out: Json = { ...body };
  if (isObject(out.gateway_config) && !isObject(out.controller_cloud_config)) {
    out.controller_cloud_config = {
      cloud_provider: out.gateway_config.name,
      region: out.gateway_config.region,
    };
  }
  delete out.gateway_config;
  if (out.max_throughput_rate !== undefined && out.min_throughput_rate == null) {
    out.min_throughput_rate = out.max_throughput_rate;
  }
  delete out.max_throughput_rate;
  if (isObject(out.initial_worker_config)) {
    const workers: Json = { ...out.initial_worker_config };
    if (typeof workers.use_same_gpus_when_scaling === 'boolean' && workers.use_other_gpus === undefined) {
      workers.use_other_gpus = !workers.use_same_gpus_when_scaling;
    }
    delete workers.use_same_gpus_when_scaling;
    out.initial_worker_config = workers;
  }
  if (isObject(out.autoscaling_config)) {
    const scaling: Json = { ...out.autoscaling_config };
    if (typeof scaling.time_window_sec === 'number') {
      scaling.scale_up_time_window_sec ??= scaling.time_window_sec;
      scaling.scale_down_time_window_sec ??= scaling.time_window_sec;
    }
    delete scaling.time_window_sec;
    for (const [legacy, current] of latencyAliases) {
      if (typeof scaling[legacy] === 'number') scaling[current] ??= scaling[legacy];
    }
    out.autoscaling_config = scaling;
  }
  return out;
}

/** Removes every secret from a create body: `hf_token`, at the top and in each LoRA adapter. */
function withoutSecrets(body: Json): Json {
  const { hf_token: _token, ...rest } = body;
  if (Array.isArray(rest.llm_loras)) {
    rest.llm_loras = rest.llm_loras.map((lora) => {
      if (!isObject(lora)) return lora;
      const { hf_token: _loraToken, ...kept } = lora;
      return kept;
    });
  }
  return rest;
}

/**
 * The rules between fields that the spec states in words (`@sgi/spec/rules`, shared with every tool that
 * checks a create body), as the sandbox's field errors.
 */
export function crossFieldErrors(body: Json): FieldError[] {
  return createBodyConflicts(body).map(({ path, message }) => ({
    field: path.join('.'),
    message,
    code: 'conflict',
  }));
}

/** What the sandbox stores for a create body: legacy fields upgraded, secrets removed, defaults applied. */
export function storedSettings(body: Json, facts: SpecFacts, engines: Record<string, string>): Json {
  const settingsSchema: Schema = { $ref: '#/components/schemas/DeploymentSettings' };
  const stored = applyDefaults(settingsSchema, withoutSecrets(upgradeLegacy(body)), facts) as Json;
  if (stored.engine == null) stored.engine = engines[String(stored.inf_type)] ?? null;
  if (stored.llm_loras == null) stored.llm_loras = [];
  if (isObject(stored.autoscaling_config)) {
    const scaling = stored.autoscaling_config;
    for (const [legacy, current] of latencyAliases) scaling[legacy] = scaling[current];
  }
  return stored;
}
