import { describe, expect, it } from 'vitest';
import { routeOf } from '../../src/operator/route.js';

describe('metrics labels of the endpoint and the clock', () => {
  it('one label per route, never per deployment', () => {
    const a = routeOf('POST', '/deployments/0b6f8c1e-aaaa/inference/v1/chat/completions');
    expect(a).toBe('POST /deployments/{id}/inference/v1/chat/completions');
    expect(routeOf('POST', '/deployments/another/inference/v1/chat/completions')).toBe(a);
    expect(routeOf('GET', '/deployments/x/inference/v1/models')).toBe(
      'GET /deployments/{id}/inference/v1/models',
    );
    expect(routeOf('DELETE', '/deployments/x/inference/v1/models')).toBe('other');
    expect(routeOf('GET', '/deployments/x/inference/v1/anything')).toBe('other');
    expect(routeOf('POST', '/__sandbox/clock')).toBe('POST /__sandbox/clock');
  });
});
