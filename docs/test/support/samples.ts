import { readPage } from './site.js';

/** One operation's samples as the reference page shows them (`sgi-reference-data`, built by `src/samples.js`). */
export interface PageOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  route: string;
  samples: Record<string, string>;
  examples: Array<{
    name: string;
    summary: string;
    value: { name: string; model: string };
    samples: Record<string, string>;
  }>;
}

/** What the built reference page gives its script: every operation's samples, per request example too. */
export interface PageSamples {
  operations: Record<string, PageOperation>;
  createOperation: string;
}

/** The samples of the built reference page (`dist/index.html`). */
export function pageSamples(): PageSamples {
  const html = readPage('index.html');
  const json = html.match(
    /<script type="application\/json" id="sgi-reference-data">([\s\S]*?)<\/script>/,
  )?.[1];
  if (!json) throw new Error('The reference page carries no sgi-reference-data: rebuild the docs');
  return JSON.parse(json) as PageSamples;
}
