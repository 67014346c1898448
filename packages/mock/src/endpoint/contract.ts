import { loadEndpointSpec } from '@sgi/spec';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { vendoredAjv } from '../prism.js';

/** The endpoint's schemas the sandbox checks requests and answers against, by name. */
export type EndpointSchema =
  | 'ChatCompletionRequest'
  | 'CompletionRequest'
  | 'EmbeddingRequest'
  | 'EmbedRequest'
  | 'ChatCompletion'
  | 'ChatCompletionChunk'
  | 'Completion'
  | 'CompletionChunk'
  | 'EmbeddingList'
  | 'ModelList'
  | 'ErrorResponse';

/** One problem of a checked value: the field (a dotted path, empty for the whole) and what is wrong. */
export interface ContractProblem {
  field: string;
  message: string;
}

const ID = 'https://spec.sgi.local/endpoint.json';

/**
 * Validators for the endpoint's schemas, compiled once from `@sgi/spec`'s endpoint document: the sandbox
 * checks each request it accepts and each answer (each streamed chunk too) before it is sent. Each
 * validator is compiled on its first use, the document read on the first of all.
 */
export function endpointContract() {
  let ajv: InstanceType<ReturnType<typeof vendoredAjv>> | undefined;
  /** The endpoint's document in a validator: read on the first check, so a start that serves no endpoint call does not pay for it. */
  const validatorsOf = () => {
    if (ajv) return ajv;
    const spec = loadEndpointSpec();
    const Ajv2020 = vendoredAjv();
    ajv = new Ajv2020({ allErrors: false, strict: true, strictTypes: false, strictRequired: false });
    for (const keyword of Object.keys(spec)) ajv.addKeyword({ keyword });
    ajv.addSchema({ ...spec, $id: ID }, ID);
    return ajv;
  };
  const validators = new Map<EndpointSchema, ValidateFunction>();
  const validatorOf = (name: EndpointSchema) => {
    let validate = validators.get(name);
    if (!validate) {
      validate = validatorsOf().compile({ $ref: `${ID}#/components/schemas/${name}` });
      validators.set(name, validate);
    }
    return validate;
  };
  return {
    /** The first problem of `value` against the named schema; undefined when it is valid. */
    check(name: EndpointSchema, value: unknown): ContractProblem | undefined {
      const validate = validatorOf(name);
      if (validate(value)) return undefined;
      const error = validate.errors?.[0];
      if (!error) return { field: '', message: 'is invalid' };
      const path = error.instancePath.split('/').slice(1);
      if (error.keyword === 'required') path.push(String(error.params.missingProperty));
      if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
      return { field: path.join('.'), message: error.message ?? 'is invalid' };
    },
  };
}

/** The validators of {@link endpointContract}. */
export type EndpointContract = ReturnType<typeof endpointContract>;
