'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Absolute path of the bundled spec as YAML (one file, no external `$ref`s). */
const specYamlPath = join(__dirname, 'dist', 'openapi.yaml');
/** Absolute path of the bundled spec as JSON (one file, no external `$ref`s). */
const specJsonPath = join(__dirname, 'dist', 'openapi.json');

/** Reads and parses the bundled spec. Each call returns a fresh object that the caller may change. */
function loadSpec() {
  return JSON.parse(readFileSync(specJsonPath, 'utf8'));
}

module.exports = { specYamlPath, specJsonPath, loadSpec };
