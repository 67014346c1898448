/** A CPU profile of one call in a loop, summarised by where the time goes (V8's sampling profiler). */
import { Session } from 'node:inspector/promises';
import { num, type Table } from './report.js';

/** Share of CPU samples spent in one place. */
export interface Hotspot {
  /** A function (`name file:line`) or an area (a package, Node's internals, GC). */
  where: string;
  /** Fraction of all samples, 0..1. */
  share: number;
}

/** What a profile shows. */
export interface ProfileSummary {
  /** Number of samples taken. */
  samples: number;
  /** Time per area: each npm package, Node's fetch (undici), other Node internals, GC, the harness. */
  areas: Hotspot[];
  /** The functions with the most self time. */
  functions: Hotspot[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}

/** Names the area a script URL belongs to: an npm package, a workspace package, or a part of Node. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.includes('deps/undici')) return "undici (Node's fetch)";
  if (url.startsWith('node:')) return 'Node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  const ws = url.match(/\/(packages|docs|spec)\/([^/]+)\//);
  if (ws?.[1] === 'packages') return ws[2] === 'bench' ? 'benchmark harness' : `@sgi/${ws[2]}`;
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  // A workspace file by its path in the repository, never by where the repository sits on a machine.
  const ws = url.search(/\/(packages|spec|docs)\//);
  return ws >= 0 ? url.slice(ws + 1) : url;
}

function top(counts: Map<string, number>, total: number, limit: number): Hotspot[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, n]) => ({ where, share: n / total }));
}

/** Summarises a V8 CPU profile (`Profiler.stop`'s `profile`) by self time. */
export function summarizeProfile(nodes: readonly ProfileNode[], limit = 12): ProfileSummary {
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    total += hits;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + hits);
    const f = node.callFrame;
    const fn = f.url
      ? `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`
      : f.functionName || '(native)';
    functions.set(fn, (functions.get(fn) ?? 0) + hits);
  }
  if (total === 0) return { samples: 0, areas: [], functions: [] };
  return { samples: total, areas: top(areas, total, limit), functions: top(functions, total, limit) };
}

/** A V8 CPU profile as `--cpu-prof` writes it (timestamps in microseconds of the monotonic clock). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Summarises only the samples taken at or after `fromMicros` (same clock as `process.hrtime`), e.g.
 * to leave a server's start-up out of a profile of it under load.
 */
export function summarizeProfileSince(profile: CpuProfile, fromMicros: number, limit = 12): ProfileSummary {
  const hits = new Map<number, number>();
  let t = profile.startTime;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    t += deltas[i] ?? 0;
    if (t >= fromMicros) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return summarizeProfile(
    profile.nodes.map((n) => ({ ...n, hitCount: hits.get(n.id) ?? 0 })),
    limit,
  );
}

/** Calls `call` back to back for `durationMs` under V8's sampling profiler and summarises where the time went. */
export async function profileCalls(
  call: () => Promise<unknown>,
  durationMs: number,
): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      for (let i = 0; i < 100; i++) await call();
    }
    const { profile } = await session.post('Profiler.stop');
    return summarizeProfile(profile.nodes as ProfileNode[]);
  } finally {
    session.disconnect();
  }
}

/** The report's two tables for a profile: self time by area, and the functions with the most self time. */
export function profileTables(title: string, p: ProfileSummary): Table[] {
  const share = (s: number) => `${num(s * 100)} %`;
  return [
    {
      caption: `Where ${title} spends its CPU (self time by area, ${p.samples} samples):`,
      columns: ['area', 'share of CPU'],
      rows: p.areas.map((h) => [h.where, share(h.share)]),
    },
    {
      caption: `${title}: the functions with the most self time:`,
      columns: ['function', 'share of CPU'],
      rows: p.functions.map((h) => [`\`${h.where}\``, share(h.share)]),
    },
  ];
}

/** One sentence naming the areas that take most of a profile: "Node internals 45 %, @faker-js/faker 13 %, ...". */
export function topAreas(p: ProfileSummary, count = 3): string {
  return p.areas
    .slice(0, count)
    .map((a) => `${a.where} ${num(a.share * 100)} %`)
    .join(', ');
}
