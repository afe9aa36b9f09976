#!/usr/bin/env node
// pbxboot command-line entry: runs the built CLI (npm run build).
import { main } from '../dist/cli/main.js';
process.exitCode = await main(process.argv);
