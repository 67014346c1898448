'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Absolute path of the bundled spec as YAML (one file, no external `$ref`s). */
const specYamlPath = join(__dirname, 'dist', 'openapi.yaml');
/** Absolute path of the bundled spec as JSON (one file, no external `$ref`s). */
const specJsonPath = join(__dirname, 'dist', 'openapi.json');
/** Absolute path of the reviewed list of production's known differences from the spec (YAML). */
const knownDriftPath = join(__dirname, 'known-drift.yaml');

/** Reads and parses the bundled spec. Each call returns a fresh object that the caller may change. */
function loadSpec() {
  return JSON.parse(readFileSync(specJsonPath, 'utf8'));
}

module.exports = { specYamlPath, specJsonPath, knownDriftPath, loadSpec };
