/**
 * Global setup of the `redis` test project: one redis-server of the run's own (on a free loopback port,
 * in a temporary folder), whose URL the tests receive through `inject('redisUrl')`.
 */
import { startRedis } from '@sgi/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the run's Redis (the `redis` project only). */
    redisUrl: string;
    /** How many hostile requests the fuzz test sends (10,000 unless the project says otherwise). */
    fuzzRuns?: number;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.close();
}
