// Diagnostic preload for the storm bench only (`node --import this-file … serve`): pbxboot's supervisor
// starts one ARI daemon process per ready node (DESIGN §5); here each such spawn starts `sleep` instead,
// so the storm's netboot figures can be read without 200 daemons competing for 2 cores and ≈ 19 GiB.
// The fork itself (pbxboot's cost) still happens. Never used by pbxboot or its tests.
import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const realSpawn = cp.spawn;
const isDaemon = (args: unknown): boolean => Array.isArray(args) && args.some((a) => typeof a === 'string' && /ari[\\/]daemon\.(ts|js)$/.test(a));

cp.spawn = function spawn(this: unknown, command: string, args?: unknown, options?: unknown) {
  if (isDaemon(args)) return realSpawn.call(this, 'sleep', ['infinity'], options as cp.SpawnOptions);
  return (realSpawn as (...a: unknown[]) => cp.ChildProcess).call(this, command, args, options);
} as typeof cp.spawn;
// execa imports { spawn } from node:child_process: named ESM exports of builtins follow this call.
syncBuiltinESMExports();
