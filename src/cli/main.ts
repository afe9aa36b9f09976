// The pbxboot command line: one module per subcommand; errors become one line
// on stderr and the exit codes of DESIGN §6.
import { Command, CommanderError } from 'commander';
import { isPbxbootError } from '../errors.js';
import { packageVersion } from '../app.js';
import { makeCli } from './context.js';
import { registerServe } from './commands/serve.js';
import { registerInit } from './commands/init.js';
import { registerStatus } from './commands/status.js';
import { registerNodes } from './commands/nodes.js';
import { registerLogs } from './commands/logs.js';
import { registerDb } from './commands/db.js';
import { registerNodeOps } from './commands/node-ops.js';
import { registerAgents } from './commands/agents.js';
import { registerRender } from './commands/render.js';
import { registerCompletion } from './commands/completion.js';

export function buildProgram(): Command {
  const cli = makeCli();
  const program = new Command('pbxboot')
    .description('netboot and provisioning server for clusters of diskless Asterisk PBX nodes')
    .version(packageVersion())
    .option('-c, --config <file>', 'config file (default: ./pbxboot.yaml, or PBXBOOT_CONFIG)')
    .option('--data-dir <dir>', 'data directory (default: ./data, or PBXBOOT_DATA_DIR)')
    .option('--server <url>', 'pbxboot server URL (default: recorded in the data dir by serve)')
    .option('--token <token>', 'API token (default: <data dir>/api-token)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nExamples:\n  pbxboot init && pbxboot serve\n  pbxboot status\n  pbxboot nodes ls --json\n\nExit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 refused, 5 server unreachable.');
  registerServe(program, cli);
  registerInit(program, cli);
  registerStatus(program, cli);
  registerNodes(program, cli);
  registerLogs(program, cli);
  registerDb(program, cli);
  registerNodeOps(program.commands.find((c) => c.name() === 'nodes')!, cli);
  registerAgents(program, cli);
  registerRender(program, cli);
  registerCompletion(program, cli);
  return program;
}

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  for (const c of cmd.commands) exitOverrideAll(c);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  exitOverrideAll(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version "errors" are successes; everything else is a usage error
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (isPbxbootError(e)) {
      process.stderr.write(`pbxboot: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`pbxboot: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
