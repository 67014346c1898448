/**
 * 5. Docs: the weight of the reference page and of the console page, and the time until Chromium shows
 * every operation on each.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { loadSpec } from '@sgi/spec';
import { chromiumArgs, chromiumPath } from '@sgi/testing';
import { type Browser, chromium } from 'playwright-core';
import { fig, type Goal, num, type SuiteResult } from '../report.js';
import { serveStatic } from '../servers/static.js';
import { ratios, roundOrder, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

/** The summary of every operation in the spec: the texts the page must show. */
export function operationSummaries(): string[] {
  const out: string[] = [];
  for (const item of Object.values(loadSpec().paths)) {
    for (const op of Object.values(item)) {
      const summary = (op as { summary?: unknown })?.summary;
      if (typeof summary === 'string') out.push(summary);
    }
  }
  return out;
}

/**
 * The route of the reference page that lists the operations of the spec's first tag (Redocly's routes
 * are `#/<tag>` and `#/<tag>/<operationid>`): opened there, the page shows every operation in its
 * sidebar and its operations list; opened at its start, the operations are one click away.
 */
export function operationsRoute(): string {
  const tags = (loadSpec() as { tags?: Array<{ name: string }> }).tags ?? [];
  const first = tags[0]?.name;
  return first ? `#/${first.toLowerCase()}` : '';
}

/** Kilobytes (1000 bytes, rounded) of inline `<script>` and `<style>` content in an HTML document. */
export function inlineSizes(html: string): { script: number; style: number } {
  const sum = (tag: string) => {
    let bytes = 0;
    for (const m of html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gi'))) {
      bytes += Buffer.byteLength(m[1] ?? '');
    }
    return Math.round(bytes / 1000);
  };
  return { script: sum('script'), style: sum('style') };
}

/** The floor: the smallest page that shows every operation's summary. */
export function floorPage(summaries: readonly string[]): string {
  const items = summaries
    .map((s) => `<li>${s.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</li>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body><ul>${items}</ul></body></html>`;
}

/**
 * Runs in the page before its own scripts: checks every frame until the page's text holds every one of
 * `texts`, then records when in `window.__shownAt` (ms since navigation start). The cheap `textContent`
 * is checked first; `innerText` (rendered, visible text only) confirms.
 */
function watchForTexts(texts: string[]): void {
  const w = window as { __shownAt?: number };
  const has = (text: string) => texts.every((t) => text.includes(t));
  const check = () => {
    const body = document.body;
    // biome-ignore lint/performance/useDomNodeTextContent: "shown" means rendered, visible text
    if (body && has(body.textContent ?? '') && has(body.innerText)) w.__shownAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** One page load: when every operation was shown, and what was transferred. */
interface Load {
  /** ms from navigation start until every summary is in the page's visible text. */
  shownMs: number;
  /** Bytes of response bodies as sent (the server does not compress). */
  bytes: number;
  requests: number;
  /** Requests to anything but the local server (blocked here: the machine is offline). */
  external: string[];
  /** Where the time until "shown" went: navigation milestones and the renderer's own counters, in ms. */
  phases: Record<Phase, number>;
}

/** The parts of a page load the report breaks "shown" into. */
const phases = {
  responseEnd: 'HTML received (navigation timing `responseEnd`)',
  domContentLoaded: 'HTML parsed and its scripts run (`domContentLoadedEventEnd`)',
  script: 'renderer time in JavaScript until shown (CDP `ScriptDuration`)',
  layout: 'renderer time in layout until shown (`LayoutDuration`)',
  style: 'renderer time in style recalculation until shown (`RecalcStyleDuration`)',
  task: 'renderer main thread busy until shown (`TaskDuration`)',
} as const;
type Phase = keyof typeof phases;

async function loadOnce(
  browser: Browser,
  url: string,
  summaries: readonly string[],
  origin: string,
): Promise<Load> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(watchForTexts, [...summaries]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const external: string[] = [];
    let bytes = 0;
    let requests = 0;
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      external.push(new URL(u).host);
      return route.abort();
    });
    page.on('requestfinished', async (request) => {
      requests++;
      const sizes = await request.sizes().catch(() => undefined);
      if (sizes) bytes += sizes.responseBodySize;
    });
    await page.goto(url, { waitUntil: 'commit' });
    const shown = await page.waitForFunction(() => (window as { __shownAt?: number }).__shownAt, undefined, {
      timeout: 30_000,
    });
    const ms = (await shown.jsonValue()) as number;
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    await page.waitForLoadState('load');
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { responseEnd: n?.responseEnd ?? 0, domContentLoaded: n?.domContentLoadedEventEnd ?? 0 };
    });
    await page.waitForTimeout(200); // let the last 'requestfinished' events arrive
    return {
      shownMs: ms,
      bytes,
      requests,
      external: [...new Set(external)],
      phases: {
        ...nav,
        script: metric('ScriptDuration'),
        layout: metric('LayoutDuration'),
        style: metric('RecalcStyleDuration'),
        task: metric('TaskDuration'),
      },
    };
  } finally {
    await context.close();
  }
}

/** Runs benchmark 5 on the built docs site (`docs/dist/index.html`). */
export async function docs(ctx: SuiteContext): Promise<SuiteResult> {
  const dist = join(ctx.root, 'docs', 'dist');
  const base = { id: 'docs', title: 'Docs page', tables: [], goals: [], notes: [], data: null };
  const method =
    'The built site (`docs/dist`) is served from 127.0.0.1 by a plain static file server (no compression, no ' +
    'caching) next to the floor: a page that lists the same operation summaries as bare HTML. Headless Chromium ' +
    '(a fresh context for every load, so nothing is cached) opens each page, the reference at ' +
    `\`${operationsRoute()}\`, its route that lists the operations; "shown" is the time from ` +
    "navigation start until the page's visible text contains every operation's summary, checked every frame. " +
    'The console page (`console.html`: Stoplight Elements, its styles and the spec) is measured the same way, ' +
    'until its list shows every operation. ' +
    'Page weight is the sum of the response bodies Chromium received. Requests to any other host are blocked ' +
    'and listed (the machine is offline; a page that needs them does not work offline).';
  if (!existsSync(join(dist, 'index.html'))) {
    return { ...base, method, skipped: 'there is no `docs/dist/index.html` (the docs site is not built).' };
  }
  const summaries = operationSummaries();
  const server = await serveStatic(dist, { '/__floor.html': floorPage(summaries) });
  let browser: Browser | undefined;
  try {
    // Launched inside the `try`: a browser that fails to start must not leave the server open.
    browser = await chromium.launch({
      executablePath: ctx.chromiumPath ?? chromiumPath,
      args: [...chromiumArgs],
    });
    const pages = [
      { name: 'floor: bare HTML list of the operations', url: `${server.origin}/__floor.html` },
      { name: `docs/dist/index.html${operationsRoute()}`, url: `${server.origin}/${operationsRoute()}` },
      { name: 'docs/dist/console.html', url: `${server.origin}/console.html` },
    ];
    const rounds = ctx.quick ? 2 : 7;
    ctx.log(`docs: ${rounds} rounds x ${pages.length} pages`);
    for (const p of pages) await loadOnce(browser, p.url, summaries, server.origin); // warm-up
    const loads = pages.map((): Load[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const i of roundOrder(pages.length, round)) {
        const p = pages[i] as (typeof pages)[number];
        loads[i]?.push(await loadOnce(browser, p.url, summaries, server.origin));
      }
    }
    const [floorLoads, docLoads, consoleLoads] = loads as [Load[], Load[], Load[]];
    const shownOf = (l: Load[]) => summarize(l.map((x) => x.shownMs));
    const ratioOf = (l: Load[]) =>
      summarize(
        ratios(
          l.map((x) => x.shownMs),
          floorLoads.map((x) => x.shownMs),
        ),
      );
    const weightOf = (l: Load[]) => summarize(l.map((x) => x.bytes / 1e6));
    const shown = shownOf(docLoads);
    const shownRatio = ratioOf(docLoads);
    const weight = weightOf(docLoads);
    const external = [...new Set([...docLoads, ...consoleLoads].flatMap((l) => l.external))];
    const html = await (await fetch(`${server.origin}/`)).arrayBuffer();
    const htmlBytes = Buffer.from(html);
    const inline = inlineSizes(htmlBytes.toString('utf8'));
    const goals: Goal[] = [
      { name: 'page weight (uncompressed)', kind: 'max', limit: 3, unit: 'MB', figure: weight },
      { name: 'time until every operation is shown', kind: 'max', limit: 1500, unit: 'ms', figure: shown },
      {
        name: 'console page weight (uncompressed)',
        kind: 'max',
        limit: 3,
        unit: 'MB',
        figure: weightOf(consoleLoads),
      },
      {
        name: 'console: time until every operation is shown',
        kind: 'max',
        limit: 1500,
        unit: 'ms',
        figure: shownOf(consoleLoads),
      },
    ];
    return {
      ...base,
      method,
      tables: [
        {
          columns: ['page', 'shown', 'x floor', 'requests', 'weight'],
          rows: pages.map((p, i) => {
            const l = loads[i] as Load[];
            return [
              p.name,
              fig(summarize(l.map((x) => x.shownMs)), 'ms'),
              i === 0 ? '1.00x' : fig(ratioOf(l), 'x'),
              String(l[0]?.requests ?? 0),
              fig(summarize(l.map((x) => x.bytes / 1e6)), 'MB'),
            ];
          }),
        },
        {
          caption:
            "Where each page's time until shown goes (milestones are ms since navigation start; " +
            "renderer counters are cumulative ms of the page's main thread when it was shown; medians over the rounds):",
          columns: ['phase', 'reference page', 'console page', 'floor page'],
          rows: (Object.keys(phases) as Phase[]).map((k) => [
            phases[k],
            fig(summarize(docLoads.map((l) => l.phases[k])), 'ms'),
            fig(summarize(consoleLoads.map((l) => l.phases[k])), 'ms'),
            fig(summarize(floorLoads.map((l) => l.phases[k])), 'ms'),
          ]),
        },
        {
          caption: 'The HTML document alone, as a server would send it compressed:',
          columns: ['document', 'raw', 'gzip', 'brotli'],
          rows: [
            [
              'docs/dist/index.html',
              `${num(htmlBytes.byteLength / 1e6)} MB`,
              `${num(gzipSync(htmlBytes, { level: 9 }).byteLength / 1e6)} MB`,
              `${num(brotliCompressSync(htmlBytes).byteLength / 1e6)} MB`,
            ],
          ],
        },
      ],
      goals,
      notes: [
        `The reference page's HTML carries ${inline.script} kB of inline script and ${inline.style} kB of inline ` +
          `style in its ${num(htmlBytes.byteLength / 1000)} kB; until it is shown its main thread spends ` +
          `${num(summarize(docLoads.map((l) => l.phases.script)).median)} ms in JavaScript, the floor's ` +
          `${num(summarize(floorLoads.map((l) => l.phases.script)).median)} ms.`,
        `Operations looked for: ${summaries.map((s) => `"${s}"`).join(', ')}.`,
        external.length > 0
          ? `The page asked for other hosts (blocked): ${external.join(', ')}.`
          : 'The page asked for no other host: it works offline.',
        `Chromium ${browser.version()}.`,
      ],
      data: {
        rounds,
        shownMs: shown,
        shownRatio,
        weightMB: weight,
        console: {
          shownMs: shownOf(consoleLoads),
          shownRatio: ratioOf(consoleLoads),
          weightMB: weightOf(consoleLoads),
          requests: consoleLoads[0]?.requests,
        },
        floorShownMs: summarize(floorLoads.map((l) => l.shownMs)),
        phases: Object.fromEntries(
          (Object.keys(phases) as Phase[]).map((k) => [k, summarize(docLoads.map((l) => l.phases[k]))]),
        ),
        requests: docLoads[0]?.requests,
        external,
      },
    };
  } finally {
    try {
      await browser?.close();
    } finally {
      await server.close();
    }
  }
}
