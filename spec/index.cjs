'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Absolute path of the bundled spec as YAML (one file, no external `$ref`s). */
const specYamlPath = join(__dirname, 'dist', 'openapi.yaml');
/** Absolute path of the bundled spec as JSON (one file, no external `$ref`s). */
const specJsonPath = join(__dirname, 'dist', 'openapi.json');
/** Absolute path of the reviewed list of production's known differences from the spec (YAML). */
const knownDriftPath = join(__dirname, 'known-drift.yaml');

/** Absolute path of the bundled description of a deployment's model endpoint (`link + "/inference"`), as YAML. */
const endpointSpecYamlPath = join(__dirname, 'dist', 'endpoint.yaml');
/** Absolute path of the bundled description of a deployment's model endpoint, as JSON. */
const endpointSpecJsonPath = join(__dirname, 'dist', 'endpoint.json');

/** Reads and parses the bundled description of a deployment's model endpoint. Each call returns a fresh object. */
function loadEndpointSpec() {
  return JSON.parse(readFileSync(endpointSpecJsonPath, 'utf8'));
}

/** Reads and parses the bundled spec. Each call returns a fresh object that the caller may change. */
function loadSpec() {
  return JSON.parse(readFileSync(specJsonPath, 'utf8'));
}

module.exports = {
  specYamlPath,
  specJsonPath,
  knownDriftPath,
  loadSpec,
  endpointSpecYamlPath,
  endpointSpecJsonPath,
  loadEndpointSpec,
};
