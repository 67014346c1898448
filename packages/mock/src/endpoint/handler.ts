import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../errors.js';
import type { ContractViolation } from '../front.js';
import { DEFAULT_MAX_JSON_VALUES, jsonShapeProblem } from '../limits.js';
import type { DeploymentRecord, SandboxStore } from '../sandbox/store/types.js';
import type { EndpointContract, EndpointSchema } from './contract.js';
import {
  base64Of,
  bounded,
  countTokens,
  EMBEDDING_DIMENSIONS,
  embeddingOf,
  type FinishReason,
  type Generated,
  instanceOf,
  jsonObjectText,
  piecesOf,
  randomOf,
  sentence,
} from './generate.js';

/** Every deployment's endpoint lives under `/deployments/<id>`: its `link`. */
export const ENDPOINT_PREFIX = '/deployments/';

/** Whether a path is one of a deployment's endpoint (answered by the endpoint, in its error shape). */
export function isEndpointPath(path: string): boolean {
  return path.startsWith(ENDPOINT_PREFIX);
}

/** A deployment's `max_model_len` when its settings leave it null. */
export const DEFAULT_MAX_MODEL_LEN = 8192;
/** Most choices (`n`, times the prompts of a completion) one call may ask for. */
export const MAX_CHOICES = 16;
/** Most inputs one embedding call may send. */
export const MAX_EMBEDDING_INPUTS = 2048;

/** The sandbox's switches for one call, as request headers. */
export const ENDPOINT_HEADERS = {
  /** The reply's text, percent-encoded UTF-8 (plain ASCII as it is): every choice answers it. */
  reply: 'x-sandbox-reply',
  /** Milliseconds before the first token (or the whole answer) is sent. */
  ttft: 'x-sandbox-ttft-ms',
  /** Tokens per second after the first one. */
  tokensPerSecond: 'x-sandbox-tokens-per-second',
  /** `429` (with `Retry-After: 1`), `500`, or `stream-cut` (the answer stops half-way, with no end). */
  fail: 'x-sandbox-fail',
} as const;

/** What the endpoint needs. */
export interface EndpointOptions {
  store: SandboxStore;
  contract: EndpointContract;
  clock: () => number;
  /** Largest request body, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Deepest nesting of a JSON body. */
  maxDepth: number;
  /** Longest one answer may take, streamed or not, in ms: a slower one is refused, and cut at this bound. */
  maxStreamMs: number;
  onContractViolation: (violation: ContractViolation) => void;
}

type Json = Record<string, unknown>;

class EndpointError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Sends an error in the shape OpenAI-compatible clients read. */
export function sendEndpointError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param, code: status } }, headers);
}

const invalid = (message: string, param: string | null = null) =>
  new EndpointError(400, message, 'invalid_request_error', param);

/** Reads a body of at most `max` bytes; undefined when it is larger. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A numeric switch header in [min, max]; undefined when absent. */
function numberHeader(req: IncomingMessage, name: string, min: number, max: number): number | undefined {
  const raw = header(req, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw invalid(`The ${name} header must be a number from ${min} to ${max} (got '${raw.slice(0, 40)}').`);
  return value;
}

/** The text of a message's content (a string, or the `text` of its parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
  return '';
}

const stops = (stop: unknown): string[] =>
  typeof stop === 'string' ? [stop] : Array.isArray(stop) ? (stop as string[]) : [];

/** One choice to answer: its text pieces, or a tool call's. */
interface Choice {
  index: number;
  generated: Generated;
  tool?: { id: string; name: string; arguments: string };
}

/**
 * The deployments' model endpoint (the data plane): for an `ACTIVE` deployment of the caller's, the
 * OpenAI-compatible routes under `link + "/inference"` (`/v1/models`, `/v1/chat/completions`,
 * `/v1/completions`, `/v1/embeddings`) and TEI's `/embed`, answered from the request alone (see
 * `generate.ts`), each request and answer checked against `@sgi/spec`'s endpoint document. The hosting
 * layer in front has authenticated the caller and counted the call against its tenant's limits.
 */
export function endpointHandler(options: EndpointOptions) {
  const { store, contract } = options;

  /** Checks an answer (or a chunk) against the spec; a violation is reported and is not sent. */
  function answerProblem(req: IncomingMessage, name: EndpointSchema, value: unknown): boolean {
    const problem = contract.check(name, value);
    if (!problem) return false;
    options.onContractViolation({
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      status: 200,
      violations: [{ field: problem.field, message: problem.message }],
    });
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, tenant: string | undefined) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = /^\/deployments\/([^/]+)\/inference(\/.*)?$/.exec(path);
    const route = match?.[2] ?? '';
    const routes: Record<string, string> = {
      '/v1/models': 'GET',
      '/v1/chat/completions': 'POST',
      '/v1/completions': 'POST',
      '/v1/embeddings': 'POST',
      '/embed': 'POST',
    };
    if (!match || !routes[route]) {
      req.resume();
      throw new EndpointError(404, `No such route: ${req.method} ${path.slice(0, 200)}.`, 'not_found_error');
    }
    if (!tenant) {
      req.resume();
      throw new EndpointError(
        401,
        "A valid API key is required: send 'Authorization: Bearer <key>' (in the sandbox, your sandbox credential).",
        'authentication_error',
      );
    }
    if (req.method !== routes[route]) {
      req.resume();
      throw new EndpointError(405, `${req.method} is not allowed on ${route}.`, 'invalid_request_error');
    }
    let body: Json = {};
    if (req.method === 'POST') {
      const raw = await readBody(req, options.maxBodyBytes);
      if (!raw) {
        res.setHeader('Connection', 'close');
        sendEndpointError(
          res,
          413,
          `The request body is larger than the limit of ${options.maxBodyBytes} bytes.`,
          'invalid_request_error',
        );
        req.destroy();
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw invalid('The request body is not valid JSON.');
      }
      const shape = jsonShapeProblem(parsed, options.maxDepth, DEFAULT_MAX_JSON_VALUES);
      if (shape)
        throw invalid(
          `The request body is ${shape === 'too deep' ? 'nested too deeply' : 'too large a JSON value'}.`,
        );
      body = parsed as Json;
    } else {
      req.resume();
    }

    let id: string;
    try {
      id = decodeURIComponent(match[1] as string);
    } catch {
      throw new EndpointError(404, 'No such deployment.', 'not_found_error');
    }
    const d = await store.recordCall(tenant, id, options.clock());
    available(d, id);
    const deployment = d as DeploymentRecord;
    const settings = JSON.parse(deployment.settings) as Json;
    const at = deployment.clockAt ?? options.clock();
    const schema = (
      {
        '/v1/chat/completions': 'ChatCompletionRequest',
        '/v1/completions': 'CompletionRequest',
        '/v1/embeddings': 'EmbeddingRequest',
        '/embed': 'EmbedRequest',
      } as Record<string, EndpointSchema>
    )[route];
    if (schema) {
      const problem = contract.check(schema, body);
      if (problem)
        throw invalid(
          `${problem.field ? `'${problem.field}'` : 'The body'} ${problem.message}.`,
          problem.field || null,
        );
    }
    const kind = String(settings.inf_type ?? 'llm');
    const model = String(settings.model);
    const loras = Array.isArray(settings.llm_loras)
      ? (settings.llm_loras as Json[]).map((l) => String(l.name))
      : [];
    const served = [model, ...loras];
    const maxModelLen =
      typeof settings.max_model_len === 'number' ? settings.max_model_len : DEFAULT_MAX_MODEL_LEN;
    const created = Math.floor(at / 1000);

    if (route === '/v1/models') {
      const list = {
        object: 'list',
        data: served.map((name, i) => ({
          id: name,
          object: 'model',
          created: Math.floor(deployment.createdAt / 1000),
          owned_by: 'scalegen',
          root: name,
          parent: i === 0 ? null : model,
          max_model_len: maxModelLen,
        })),
      };
      return sendAnswer(req, res, 'ModelList', list);
    }

    const failure = header(req, ENDPOINT_HEADERS.fail)?.trim().toLowerCase();
    if (failure !== undefined && !['429', '500', 'stream-cut'].includes(failure))
      throw invalid(`The ${ENDPOINT_HEADERS.fail} header must be 429, 500 or stream-cut.`);
    if (failure === '429')
      throw new EndpointError(
        429,
        'Too many requests (asked for with X-Sandbox-Fail): retry after 1 second.',
        'rate_limit_error',
        null,
        { 'Retry-After': '1' },
      );
    if (failure === '500')
      throw new EndpointError(
        500,
        'The model server failed (asked for with X-Sandbox-Fail).',
        'server_error',
      );

    const name = String(body.model ?? '');
    if (route !== '/embed' && !served.includes(name))
      throw new EndpointError(
        404,
        `The model \`${name.slice(0, 200)}\` does not exist. This deployment serves: ${served.join(', ')}.`,
        'not_found_error',
        'model',
      );

    if (route === '/v1/embeddings' || route === '/embed') {
      if (kind !== 'embedding')
        throw invalid(
          `The model does not support the Embeddings API: deployment ${id} is an '${kind}' deployment.`,
          route === '/embed' ? null : 'model',
        );
      return embeddings(req, res, route, body, model, maxModelLen);
    }
    if (kind !== 'llm' && kind !== 'vlm')
      throw invalid(
        `The model does not support the ${route === '/v1/completions' ? 'Completions' : 'Chat Completions'} API: deployment ${id} is an '${kind}' deployment.`,
        'model',
      );

    // Generation: the same for chat and completions but for the prompt and the shapes.
    const chat = route === '/v1/chat/completions';
    const prompts: string[] = chat
      ? [(body.messages as Json[]).map((m) => `${m.role}: ${textOf(m.content)}`).join('\n')]
      : typeof body.prompt === 'string'
        ? [body.prompt]
        : (body.prompt as string[]);
    const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
    const n = typeof body.n === 'number' ? body.n : 1;
    if (n * prompts.length > MAX_CHOICES)
      throw invalid(
        `The sandbox generates at most ${MAX_CHOICES} choices per call (n times the prompts).`,
        'n',
      );
    const asked = (body.max_completion_tokens ?? body.max_tokens) as number | null | undefined;
    const param = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    const longest = Math.max(...prompts.map(countTokens));
    if (typeof asked === 'number' && asked + longest > maxModelLen)
      throw invalid(
        `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${asked + longest} tokens (${longest} in the prompt, ${asked} in the completion). Please reduce the length of the prompt or ${param}.`,
        param,
      );
    if (longest >= maxModelLen)
      throw invalid(
        `This model's maximum context length is ${maxModelLen} tokens; the prompt has ${longest}.`,
        chat ? 'messages' : 'prompt',
      );
    const maxTokens = typeof asked === 'number' ? asked : maxModelLen - longest;
    const stop = stops(body.stop);
    const temperature = typeof body.temperature === 'number' ? body.temperature : 1;
    const seed = temperature === 0 ? 'greedy' : String(body.seed ?? 0);

    let reply: string | undefined;
    const rawReply = header(req, ENDPOINT_HEADERS.reply);
    if (rawReply !== undefined) {
      try {
        reply = decodeURIComponent(rawReply);
      } catch {
        throw invalid(`The ${ENDPOINT_HEADERS.reply} header must be percent-encoded UTF-8 text.`);
      }
    }
    const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ function: Json }>;
    const toolChoice = body.tool_choice ?? (tools.length > 0 ? 'auto' : 'none');
    const format = (body.response_format as Json | null | undefined)?.type;
    if (toolChoice !== 'none' && toolChoice !== 'auto' && tools.length === 0)
      throw invalid('tool_choice asks for a tool call, but no tools were given.', 'tool_choice');

    const choices: Choice[] = [];
    prompts.forEach((prompt, p) => {
      for (let i = 0; i < n; i++) {
        const index = p * n + i;
        const key = `${name}\n${prompt}\n${seed}\n${i}`;
        const tool = chat && reply === undefined ? toolFor(tools, toolChoice, prompt, key) : undefined;
        if (tool) {
          const args = JSON.stringify(
            instanceOf(tool.function.parameters ?? { type: 'object' }, randomOf(`${key}\nargs`)),
          );
          choices.push({
            index,
            generated: { pieces: args.match(/.{1,16}/gs) ?? [''], finish: 'tool_calls' },
            tool: {
              id: `call_${randomOf(`${key}\nid`)().toString(36).slice(2, 14)}`,
              name: String(tool.function.name),
              arguments: args,
            },
          });
          continue;
        }
        let generated: Generated;
        if (reply !== undefined) generated = bounded(piecesOf(reply), maxTokens, stop);
        else if (chat && format === 'json_object')
          generated = { pieces: jsonObjectText(key, maxTokens), finish: 'stop' };
        else if (chat && format === 'json_schema') {
          const jsonSchema = ((body.response_format as Json).json_schema as Json | undefined)?.schema;
          generated = bounded(
            piecesOf(JSON.stringify(instanceOf(jsonSchema ?? { type: 'object' }, randomOf(key)))),
            maxTokens,
            [],
          );
        } else generated = bounded(sentence(key), maxTokens, stop);
        choices.push({ index, generated });
      }
    });
    const completionTokens = choices.reduce(
      (sum, c) => sum + (c.tool ? countTokens(c.tool.arguments) : c.generated.pieces.length),
      0,
    );
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };

    const ttft = numberHeader(req, ENDPOINT_HEADERS.ttft, 0, options.maxStreamMs) ?? 0;
    const tps = numberHeader(req, ENDPOINT_HEADERS.tokensPerSecond, 0.001, 1_000_000);
    const pieces = choices.reduce((sum, c) => sum + c.generated.pieces.length, 0);
    const takes = ttft + (tps ? (pieces / tps) * 1000 : 0);
    if (takes > options.maxStreamMs)
      throw invalid(
        `This answer would take ${Math.ceil(takes / 1000)} s at ${tps} tokens per second, more than the sandbox's limit of ${Math.floor(options.maxStreamMs / 1000)} s for one answer: ask for fewer tokens or a faster pace.`,
      );
    const answerId = `${chat ? 'chatcmpl' : 'cmpl'}-${randomOf(`${name}\n${prompts.join('\n')}\n${seed}`)()
      .toString(16)
      .slice(2, 14)}${Date.now().toString(16)}`;
    const finishOf = (c: Choice): FinishReason => c.generated.finish;

    if (body.stream !== true) {
      if (failure === 'stream-cut') {
        res.destroy();
        return;
      }
      if (!(await pause(res, takes))) return;
      const answer = chat
        ? {
            id: answerId,
            object: 'chat.completion',
            created,
            model: name,
            choices: choices.map((c) => ({
              index: c.index,
              message: c.tool
                ? {
                    role: 'assistant',
                    content: null,
                    tool_calls: [
                      {
                        id: c.tool.id,
                        type: 'function',
                        function: { name: c.tool.name, arguments: c.tool.arguments },
                      },
                    ],
                  }
                : { role: 'assistant', content: c.generated.pieces.join('') },
              logprobs: null,
              finish_reason: finishOf(c),
            })),
            usage,
          }
        : {
            id: answerId,
            object: 'text_completion',
            created,
            model: name,
            choices: choices.map((c) => ({
              index: c.index,
              text: c.generated.pieces.join(''),
              logprobs: null,
              finish_reason: finishOf(c),
            })),
            usage,
          };
      return sendAnswer(req, res, chat ? 'ChatCompletion' : 'Completion', answer);
    }

    // A stream: one event per piece, at the asked pace, ended by `data: [DONE]`.
    const includeUsage = (body.stream_options as Json | null | undefined)?.include_usage === true;
    const chunkName: EndpointSchema = chat ? 'ChatCompletionChunk' : 'CompletionChunk';
    const base = {
      id: answerId,
      object: chat ? 'chat.completion.chunk' : 'text_completion',
      created,
      model: name,
    };
    const events: Json[] = [];
    for (const c of choices) {
      const choice = (delta: Json, text: string, finish: FinishReason | null) =>
        chat
          ? { index: c.index, delta, logprobs: null, finish_reason: finish }
          : { index: c.index, text, logprobs: null, finish_reason: finish };
      if (chat) {
        events.push(
          c.tool
            ? {
                ...base,
                choices: [
                  choice(
                    {
                      role: 'assistant',
                      content: null,
                      tool_calls: [
                        {
                          index: 0,
                          id: c.tool.id,
                          type: 'function',
                          function: { name: c.tool.name, arguments: '' },
                        },
                      ],
                    },
                    '',
                    null,
                  ),
                ],
              }
            : { ...base, choices: [choice({ role: 'assistant', content: '' }, '', null)] },
        );
      }
      for (const piece of c.generated.pieces) {
        events.push({
          ...base,
          choices: [
            choice(
              c.tool ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece },
              piece,
              null,
            ),
          ],
        });
      }
      events.push({ ...base, choices: [choice({}, '', finishOf(c))] });
    }
    if (includeUsage) {
      for (const e of events) e.usage = null;
      events.push({ ...base, choices: [], usage });
    }
    const interval = tps ? 1000 / tps : 0;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const limit = setTimeout(() => res.destroy(), options.maxStreamMs);
    limit.unref();
    res.once('close', () => clearTimeout(limit));
    try {
      if (!(await pause(res, ttft))) return;
      const cutAt = failure === 'stream-cut' ? Math.max(1, Math.floor(events.length / 2)) : -1;
      for (let i = 0; i < events.length; i++) {
        if (i === cutAt) {
          // What was written reaches the caller first; then the connection drops, with no end.
          await new Promise<void>((resolve) => res.write('', () => resolve()));
          res.destroy();
          return;
        }
        const event = events[i] as Json;
        if (answerProblem(req, chunkName, event)) {
          res.destroy();
          return;
        }
        // Pieces after the first come at the asked pace.
        if (i > 1 && interval > 0 && !(await pause(res, interval))) return;
        if (!res.write(`data: ${JSON.stringify(event)}\n\n`)) await drained(res);
        if (res.destroyed) return;
      }
      res.end('data: [DONE]\n\n');
    } finally {
      clearTimeout(limit);
    }
  }

  function embeddings(
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    body: Json,
    model: string,
    maxModelLen: number,
  ) {
    const tei = route === '/embed';
    const raw = tei ? body.inputs : body.input;
    const inputs: unknown[] =
      Array.isArray(raw) && (raw.length === 0 || typeof raw[0] !== 'number') ? raw : [raw];
    if (inputs.length > MAX_EMBEDDING_INPUTS)
      throw invalid(`At most ${MAX_EMBEDDING_INPUTS} inputs per call.`, tei ? 'inputs' : 'input');
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : EMBEDDING_DIMENSIONS;
    if (dimensions > EMBEDDING_DIMENSIONS)
      throw invalid(
        `dimensions must be at most ${EMBEDDING_DIMENSIONS}, the model's own size.`,
        'dimensions',
      );
    const texts = inputs.map((i) => (typeof i === 'string' ? i : JSON.stringify(i)));
    const tokens = texts.reduce(
      (sum, t, i) => sum + (typeof inputs[i] === 'string' ? countTokens(t) : (inputs[i] as unknown[]).length),
      0,
    );
    for (const [i, t] of texts.entries())
      if (countTokens(t) > maxModelLen)
        throw invalid(
          `Input ${i} is longer than the model's maximum of ${maxModelLen} tokens.`,
          tei ? 'inputs' : 'input',
        );
    const vectors = texts.map((t) => embeddingOf(`${model}\n${t}`, dimensions));
    if (tei) return sendJson(res, 200, vectors);
    const base64 = body.encoding_format === 'base64';
    return sendAnswer(req, res, 'EmbeddingList', {
      object: 'list',
      data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Of(v) : v })),
      model: String(body.model),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  function sendAnswer(req: IncomingMessage, res: ServerResponse, name: EndpointSchema, body: unknown) {
    if (answerProblem(req, name, body))
      return sendEndpointError(
        res,
        500,
        'The sandbox produced an answer that breaks the endpoint spec; it was not served.',
        'server_error',
      );
    return sendJson(res, 200, body);
  }

  /** Throws the answer of a deployment that cannot serve: gone or not the caller's (404), not ready (503). */
  function available(d: DeploymentRecord | undefined, id: string): void {
    if (!d || d.status === 'DELETING')
      throw new EndpointError(
        404,
        `Deployment ${id} was not found: it was deleted, or is not one of this account's.`,
        'not_found_error',
      );
    if (d.status === 'ACTIVE') return;
    const at = d.clockAt ?? options.clock();
    if (d.status === 'PROVISIONING') {
      const left = Math.max(1, Math.ceil((d.since + store.timings.provisionDelayMs - at) / 1000));
      throw new EndpointError(
        503,
        `Deployment ${id} is PROVISIONING: wait until it is ACTIVE (about ${left} s), then retry.`,
        'service_unavailable',
        null,
        { 'Retry-After': String(left) },
      );
    }
    if (d.status === 'INACTIVE') {
      const left = Math.max(1, Math.ceil(store.timings.provisionDelayMs / 1000));
      throw new EndpointError(
        503,
        `Deployment ${id} is INACTIVE (scaled to zero or stopped): start it with POST /sg_inf/${id}/scale/up, then retry once it is ACTIVE.`,
        'service_unavailable',
        null,
        { 'Retry-After': String(left) },
      );
    }
    throw new EndpointError(
      503,
      `Deployment ${id} is FAILED: see its metadata, delete it and create another.`,
      'service_unavailable',
    );
  }

  return (req: IncomingMessage, res: ServerResponse, tenant: string | undefined): Promise<void> =>
    handle(req, res, tenant).catch((error: unknown) => {
      if (res.destroyed) return;
      if (error instanceof EndpointError)
        return sendEndpointError(res, error.status, error.message, error.type, error.param, error.headers);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      throw error;
    });
}

/** The tool a chat answer calls, if any: the named one, one of them when required, one its prompt names when auto. */
function toolFor(tools: Array<{ function: Json }>, choice: unknown, prompt: string, key: string) {
  if (tools.length === 0 || choice === 'none') return undefined;
  if (choice && typeof choice === 'object') {
    const wanted = String(((choice as Json).function as Json | undefined)?.name);
    const tool = tools.find((t) => t.function.name === wanted);
    if (!tool)
      throw invalid(
        `tool_choice names the function '${wanted.slice(0, 64)}', which is not among the tools.`,
        'tool_choice',
      );
    return tool;
  }
  if (choice === 'required') return tools[Math.floor(randomOf(`${key}\ntool`)() * tools.length)];
  return tools.find((t) => prompt.includes(String(t.function.name)));
}

/** Waits `ms` unless the caller leaves first; false when it left (nothing more to send). */
async function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return false;
  if (ms <= 0) return true;
  const controller = new AbortController();
  const left = () => controller.abort();
  res.once('close', left);
  try {
    await sleep(ms, undefined, { signal: controller.signal });
    return !res.destroyed;
  } catch {
    return false;
  } finally {
    res.off('close', left);
  }
}

/** Resolves once the response can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
