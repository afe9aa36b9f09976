// pbxboot serve: runs the server until SIGINT/SIGTERM, then shuts down cleanly.
import type { Command } from 'commander';
import { writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApp } from '../../app.js';
import { serverFile } from '../client.js';
import { addConfigFlags, configFlags, type Cli } from '../context.js';

export function registerServe(program: Command, cli: Cli): void {
  const cmd = program
    .command('serve')
    .description('run the pbxboot server (HTTP API; DHCP/TFTP when an interface is configured)')
    .addHelpText('after', '\nExamples:\n  pbxboot serve\n  pbxboot serve --http-port 9000 --state-db postgres://pbx@db/pbxboot\n  PBXBOOT_INTERFACE=eth1 PBXBOOT_DHCP_MODE=proxy pbxboot serve');
  addConfigFlags(cmd).action(async (opts: Record<string, unknown>, c: Command) => {
    const config = cli.config(c, configFlags(opts));
    const app = await startApp(config);
    const dataDir = resolve(config.dataDir);
    const sf = join(dataDir, serverFile);
    writeFileSync(sf, JSON.stringify({ url: app.url, pid: process.pid }) + '\n');
    const lines = [
      `pbxboot ${app.ctx.version} serving ${app.url}`,
      `  state db: ${app.store.db.describe}`,
      `  API token: ${join(dataDir, 'api-token')}`,
    ];
    if (!config.interface) lines.push('  netboot: off — set `interface` (pbxboot.yaml, PBXBOOT_INTERFACE or --interface) to serve DHCP/TFTP');
    process.stderr.write(lines.join('\n') + '\n');
    await new Promise<void>((done) => {
      let stopping = false;
      const stop = (sig: string) => {
        process.stderr.write(stopping ? `pbxboot: ${sig}, already shutting down\n` : `pbxboot: ${sig}, shutting down\n`);
        stopping = true;
        done();
      };
      // `on`, not `once`: the handlers stay while the server closes. A library hooked on the same signals (signal-exit)
      // takes a signal nobody else listens to as the process ending, and acts on it (kills children, re-raises it).
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    // A hung closer (a stuck socket or child) must not keep a stopped server alive.
    const watchdog = setTimeout(() => {
      process.stderr.write('pbxboot: shutdown took over 15 s; exiting\n');
      process.exit(1);
    }, 15_000);
    watchdog.unref();
    await app.close();
    clearTimeout(watchdog);
    rmSync(sf, { force: true });
    // Everything is closed; a leftover handle must not keep the process running.
    setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
  });
}
