#!/usr/bin/env node
// pbxboot command-line entry: runs the built CLI (npm run build).
import '../dist/cli/run.js';
