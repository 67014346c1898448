#!/usr/bin/env node
import { run } from './program.js';

// Ctrl-C stops a wait or a watch cleanly (exit code 130 for a wait, 0 for a watch); a second one kills.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

process.exitCode = await run(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  { signal: controller.signal },
);
