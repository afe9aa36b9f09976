// What every subcommand module gets: global options resolved lazily.
import type { Command } from 'commander';
import { ApiClient } from './client.js';
import { makeOut, type Out } from './output.js';
import { loadConfig } from '../config/load.js';
import { flagName, settableKeys } from '../config/keys.js';
import type { Config } from '../config/schema.js';

export interface GlobalOpts {
  config?: string;
  dataDir?: string;
  server?: string;
  token?: string;
}

export interface Cli {
  globals(cmd: Command): GlobalOpts;
  out(json?: boolean): Out;
  client(cmd: Command): ApiClient;
  config(cmd: Command, flags?: Record<string, string | undefined>): Config & { configFile: string | null };
}

export function makeCli(): Cli {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>();
  const config: Cli['config'] = (cmd, flags = {}) => {
    const g = globals(cmd);
    return loadConfig({ file: g.config, flags: { dataDir: g.dataDir, ...flags } });
  };
  return {
    globals,
    out: (json = false) => makeOut(json),
    config,
    client(cmd) {
      const g = globals(cmd);
      // The data dir (for server.json and the token) comes from config when not a flag.
      let dataDir = g.dataDir;
      if (!dataDir && !(g.server && g.token)) {
        try {
          dataDir = config(cmd).dataDir;
        } catch {
          /* a broken config file must not stop talking to a running server */
        }
      }
      return new ApiClient({ server: g.server, token: g.token, dataDir });
    },
  };
}

/** Adds one `--kebab-key <value>` option per config key (serve, db migrate, render). */
export function addConfigFlags(cmd: Command): Command {
  for (const key of Object.keys(settableKeys)) {
    if (key === 'dataDir') continue; // global
    cmd.option(`--${flagName(key)} <value>`, `config ${key}`);
  }
  return cmd;
}

/** Maps parsed config flags back to key paths. */
export function configFlags(opts: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(settableKeys)) {
    const camel = flagName(key).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = opts[camel];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}
