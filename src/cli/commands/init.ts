// pbxboot init: writes a commented pbxboot.yaml with every key and its default.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { PbxbootError } from '../../errors.js';
import { defaultConfigYaml } from '../../config/default-file.js';
import type { Cli } from '../context.js';

export function registerInit(program: Command, cli: Cli): void {
  program
    .command('init')
    .description('write a commented default pbxboot.yaml')
    .argument('[file]', 'where to write it', 'pbxboot.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  pbxboot init && $EDITOR pbxboot.yaml')
    .action((file: string, opts: { force?: boolean }) => {
      if (existsSync(file) && !opts.force) {
        throw new PbxbootError('E_REFUSED', `${file} already exists (use --force to overwrite)`, { value: file });
      }
      writeFileSync(file, defaultConfigYaml);
      cli.out().print(`wrote ${file}`);
    });
}
