// pbxboot completion bash|zsh: prints a completion script built from the
// command tree at run time, so it never lags behind the verbs and options.
import type { Command } from 'commander';
import { PbxbootError } from '../../errors.js';
import { bashCompletion, describeCommands, zshCompletion } from '../completion.js';
import type { Cli } from '../context.js';

export function registerCompletion(program: Command, cli: Cli): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExamples:\n  source <(pbxboot completion bash)                      # this shell\n  pbxboot completion bash > /etc/bash_completion.d/pbxboot\n  pbxboot completion zsh > "${fpath[1]}/_pbxboot"')
    .action((shell: string, _opts: unknown, c: Command) => {
      let root = c;
      while (root.parent) root = root.parent;
      const cmds = describeCommands(root);
      if (shell === 'bash') return cli.out().print(bashCompletion(root.name(), cmds));
      if (shell === 'zsh') return cli.out().print(zshCompletion(root.name(), cmds));
      throw new PbxbootError('E_USAGE', `unknown shell "${shell}": bash or zsh`, { value: shell });
    });
}
