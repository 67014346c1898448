import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { type Answer, client } from './http.js';

/** The seed's create request: an `llm` deployment of `meta-llama/Llama-3.1-70B-Instruct`. */
export const seedBody = JSON.parse(
  readFileSync(new URL('../fixtures/seed-create-body.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** The seed's request, changed: an `llm` deployment that scales to zero after `seconds` without calls. */
export function scalingToZero(seconds: number, extra: Record<string, unknown> = {}) {
  return {
    ...seedBody,
    ...extra,
    initial_worker_config: { ...(seedBody.initial_worker_config as object), min_workers: 0 },
    autoscaling_config: {
      ...(seedBody.autoscaling_config as object),
      scale_to_zero: true,
      scale_to_zero_timeout_sec: seconds,
    },
  };
}

/** An `embedding` deployment's create request. */
export const embeddingBody = {
  ...seedBody,
  name: 'bge-dep',
  model: 'BAAI/bge-small-en-v1.5',
  base_model: 'BAAI/bge-small-en-v1.5',
  inf_type: 'embedding',
  engine: 'tei',
};

/** A sandbox's control plane as one tenant calls it, and its deployments' OpenAI clients. */
export function tenantOf(url: string, token: string) {
  const raw = client(url, token);
  return {
    raw,
    async create(body: unknown): Promise<string> {
      const created = await raw('POST', '/sg_inf/create', { body });
      if (created.status !== 200)
        throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
      return created.body.message.inf_id as string;
    },
    get: (id: string): Promise<Answer> => raw('GET', `/sg_inf/${id}`),
    /** Polls until the deployment has `status`; returns it. */
    // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON bodies.
    async until(id: string, status: string): Promise<Record<string, any>> {
      for (let i = 0; i < 400; i++) {
        const answer = await raw('GET', `/sg_inf/${id}`);
        if (answer.body.message?.status === status) return answer.body.message;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`deployment ${id} never became ${status}`);
    },
    advance: (seconds: number) => raw('POST', '/__sandbox/clock', { body: { advance_seconds: seconds } }),
    /** The OpenAI SDK for a deployment, set up as a partner would: only its base URL and key. */
    openai: (link: string) => new OpenAI({ baseURL: `${link}/inference/v1`, apiKey: token }),
  };
}
