#!/usr/bin/env node
// The gate lives in dist/ (built); this file exists before any build, so installing the workspace can
// link the bin without a warning.
import '../dist/cli.js';
