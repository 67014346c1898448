/**
 * Deliberate edits of the endpoint document's baseline (`spec/released/endpoint.json`), each standing for
 * one kind of change, built like the API's (`edits.ts`): on a copy, and failing loudly when an edit no
 * longer finds its target.
 */
import { at, type Edit, type Json } from './edits.js';

const schemas = (s: Json) => at(s, 'components', 'schemas');
/** The object of ChatCompletionRequest's own fields (its `allOf` member beside SamplingFields). */
const chatFields = (s: Json) => {
  const parts = at(schemas(s), 'ChatCompletionRequest', 'allOf') as unknown as Json[];
  const own = parts.find((p) => p.properties && 'messages' in p.properties);
  if (!own) throw new Error('No member of ChatCompletionRequest.allOf has messages');
  return own;
};

export const endpointBreakingEdits = {
  'removed route (POST /v1/completions)': (s) => {
    if (!at(s, 'paths', '/v1/completions').post) throw new Error('No POST /v1/completions');
    delete s.paths['/v1/completions'];
  },
  'narrowed request enum (response_format.type without json_schema)': (s) => {
    const type = at(chatFields(s), 'properties', 'response_format', 'properties', 'type');
    type.enum = (type.enum as string[]).filter((value) => value !== 'json_schema');
  },
  'new required request field (chat completions: max_tokens)': (s) => {
    const own = chatFields(s);
    own.required = [...(own.required as string[]), 'max_tokens'];
  },
  'removed response field (Usage.total_tokens)': (s) => {
    const usage = at(schemas(s), 'Usage');
    delete at(usage, 'properties').total_tokens;
    usage.required = (usage.required as string[]).filter((name) => name !== 'total_tokens');
  },
  'response field type changed (Model.created integer -> string)': (s) => {
    at(schemas(s), 'Model', 'properties', 'created').type = 'string';
  },
  'removed error status (models 503)': (s) => {
    delete at(s, 'paths', '/v1/models', 'get', 'responses')['503'];
  },
  'narrowed request limit (temperature at most 1)': (s) => {
    at(schemas(s), 'SamplingFields', 'properties', 'temperature').maximum = 1;
  },
} satisfies Record<string, Edit>;

export const endpointAdditiveEdits = {
  'new route (POST /tokenize)': (s) => {
    s.paths['/tokenize'] = {
      post: {
        operationId: 'tokenize',
        tags: ['Models'],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'object', properties: { prompt: { type: 'string' } } } },
          },
        },
        responses: {
          '200': {
            description: 'The tokens.',
            content: {
              'application/json': { schema: { type: 'object', properties: { count: { type: 'integer' } } } },
            },
          },
        },
      },
    };
  },
  'new optional request field (chat completions: logprobs)': (s) => {
    at(chatFields(s), 'properties').logprobs = { type: ['boolean', 'null'] };
  },
  'new response field (Model.permission)': (s) => {
    at(schemas(s), 'Model', 'properties').permission = { type: 'array', items: { type: 'object' } };
  },
  'new request enum value (encoding_format: int8)': (s) => {
    (at(schemas(s), 'EmbeddingRequest', 'properties', 'encoding_format').enum as string[]).push('int8');
  },
  'documentation only (descriptions, deprecation)': (s) => {
    s.info.description += '\n\nMore words.';
    at(schemas(s), 'Usage').description += ' More words.';
    at(s, 'paths', '/embed', 'post').deprecated = true;
  },
} satisfies Record<string, Edit>;
