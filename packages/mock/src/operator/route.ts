/** The routes metrics are labelled with: the spec's path templates, so ids never make new series. */
export function routeOf(method: string, path: string): string {
  if (path === '/sg_inf/create' || path === '/sg_inf/list') return `${method} ${path}`;
  if (path.startsWith('/__sandbox/admin/')) return `${method} /__sandbox/admin`;
  if (path.startsWith('/__sandbox/')) return `${method} ${path.slice(0, 40)}`;
  const scale = /^\/sg_inf\/[^/]+\/scale\/(up|zero)$/.exec(path);
  if (scale) return `${method} /sg_inf/{inference_id}/scale/${scale[1]}`;
  if (/^\/sg_inf\/[^/]+$/.test(path)) return `${method} /sg_inf/{inference_id}`;
  return 'other';
}
