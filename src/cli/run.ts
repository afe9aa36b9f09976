// Process entry of the CLI (bin/pbxboot.js runs the built copy; tests run this from source).
import { main } from './main.js';

process.exitCode = await main(process.argv);
