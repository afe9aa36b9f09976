// The compiled build (tsc -p tsconfig.build.json → dist/), which `npm start` and `pbxboot serve` run: benches start
// pbxboot from it, built once per bench run.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let built: Promise<unknown> | null = null;

export const buildDist = (): Promise<unknown> => (built ??= execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root }));
