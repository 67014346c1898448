/**
 * The clients under comparison, each reduced to "one GET of one resource, body parsed", built on a
 * `fetch` the caller chooses (a stub for call overhead, the real one for loopback).
 */
import Anthropic from '@anthropic-ai/sdk';
import { createClient, type paths } from '@sgi/client';
import OpenAI from 'openai';
import createFetchClient from 'openapi-fetch';
import { deploymentId } from './body.js';

/** The `fetch` signature every client accepts. */
export type Fetch = typeof fetch;

/** A client under comparison. */
export interface Subject {
  /** Label in the report. */
  name: string;
  /** npm package whose version the report prints. */
  packageName?: string;
  /** What one call is, for the report. */
  call: string;
  /** Builds the client once on `fetch` against `origin` (`http://host:port`), and returns one call. */
  make(origin: string, fetch: Fetch): () => Promise<unknown>;
}

const token = 'bench-token';

/** The floor: bare `fetch` of the URL and `json()`, nothing else. */
export const floor: Subject = {
  name: 'fetch + json() (floor)',
  call: '`fetch(url)` then `res.json()`',
  make(origin, fetch) {
    const url = `${origin}/sg_inf/${deploymentId}`;
    return async () => (await fetch(url)).json();
  },
};

/**
 * The floor of a call that can be cut short: bare `fetch` with the bearer header and a deadline (an
 * `AbortController` and a timer per call, as any client with a per-request timeout needs), then
 * `json()`. What this costs over the floor is what Node's `fetch` charges for following a signal.
 */
export const abortableFloor: Subject = {
  name: 'fetch + deadline signal + json()',
  call: '`fetch(url, { headers, signal })` then `res.json()`',
  make(origin, fetch) {
    const url = `${origin}/sg_inf/${deploymentId}`;
    const headers = { authorization: `Bearer ${token}` };
    return async () => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 60_000);
      try {
        return await (await fetch(url, { headers, signal: ac.signal })).json();
      } finally {
        clearTimeout(timer);
      }
    };
  },
};

/** openapi-fetch on the types `@sgi/client` generates from the spec, with the bearer token as a default header. */
export const openapiFetch: Subject = {
  name: 'openapi-fetch',
  packageName: 'openapi-fetch',
  call: "`GET('/sg_inf/{inference_id}')`",
  make(origin, fetch) {
    const client = createFetchClient<paths>({
      baseUrl: origin,
      fetch,
      headers: { Authorization: `Bearer ${token}` },
    });
    return async () => {
      const { data, error } = await client.GET('/sg_inf/{inference_id}', {
        params: { path: { inference_id: deploymentId } },
      });
      if (error !== undefined) throw new Error('openapi-fetch call failed');
      return data;
    };
  },
};

/** This repository's client, with its defaults: bearer auth, a timeout per attempt, up to 2 retries. */
export const sgiClient: Subject = {
  name: '@sgi/client',
  packageName: '@sgi/client',
  call: '`inference.get(id)`',
  make(origin, fetch) {
    const client = createClient({ baseUrl: origin, token, fetch });
    return () => client.inference.get(deploymentId);
  },
};

/** The OpenAI SDK (Stainless-generated), its equivalent GET. */
export const openai: Subject = {
  name: 'openai',
  packageName: 'openai',
  call: '`models.retrieve(id)`',
  make(origin, fetch) {
    const client = new OpenAI({ apiKey: token, baseURL: `${origin}/v1`, fetch });
    return () => client.models.retrieve('bench-model');
  },
};

/** The Anthropic SDK (Stainless-generated), its equivalent GET. */
export const anthropic: Subject = {
  name: '@anthropic-ai/sdk',
  packageName: '@anthropic-ai/sdk',
  call: '`models.retrieve(id)`',
  make(origin, fetch) {
    const client = new Anthropic({ apiKey: token, baseURL: origin, fetch });
    return () => client.models.retrieve('bench-model');
  },
};

/** Every subject, the floor first: the order of the report's rows. */
export const subjects: readonly Subject[] = [floor, openapiFetch, sgiClient, openai, anthropic];
