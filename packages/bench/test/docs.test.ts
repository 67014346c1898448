import { describe, expect, it } from 'vitest';
import { floorPage, inlineSizes, operationSummaries, operationsRoute } from '../src/suites/docs.js';

describe('the docs benchmark', () => {
  it('looks for the summary of every operation in the spec', () => {
    const summaries = operationSummaries();
    expect(summaries).toHaveLength(6);
    expect(summaries).toContain('Get a deployment');
  });

  it("opens the reference at the route of the spec's tag, where every operation is listed", () => {
    expect(operationsRoute()).toBe('#/inference');
  });

  it('counts inline script and style, not external ones', () => {
    const html = `<script>${'a'.repeat(1500)}</script><script src="x.js"></script><style id="s">${'b'.repeat(2600)}</style>`;
    expect(inlineSizes(html)).toEqual({ script: 2, style: 3 });
  });

  it('builds a floor page that lists each summary, escaped', () => {
    const html = floorPage(['Create a deployment', 'Stop <now> & then']);
    expect(html).toContain('<li>Create a deployment</li>');
    expect(html).toContain('<li>Stop &lt;now> &amp; then</li>');
  });
});
