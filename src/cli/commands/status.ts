// pbxboot status: a one-screen summary of the running server.
import type { Command } from 'commander';
import type { DashboardSnapshot } from '../../dashboard/snapshot.js';
import type { Cli } from '../context.js';

export function registerStatus(program: Command, cli: Cli): void {
  program
    .command('status')
    .description('summary of the running server: version, uptime, nodes by state, netboot')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  pbxboot status --json | jq .nodes')
    .action(async (opts: { json?: boolean }, c: Command) => {
      const out = cli.out(opts.json);
      const s = await cli.client(c).request<{
        version: string;
        uptimeSeconds: number;
        stateDb: string;
        nodes: { total: number; byState: Record<string, number> };
        netboot: Record<string, unknown>;
      }>('GET', '/v1/status');
      if (out.json) return out.printJson(s);
      const states = Object.entries(s.nodes.byState).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      // Agents and calls come from the dashboard snapshot (the same figures the wall TVs show).
      const d = await cli.client(c).request<DashboardSnapshot>('GET', '/v1/dashboard').catch(() => null);
      out.print(
        [
          `pbxboot ${s.version}, up ${s.uptimeSeconds}s`,
          `state db: ${s.stateDb}`,
          `nodes: ${s.nodes.total} (${states})`,
          ...(d ? [`agents: ${d.totals.agents} on ${d.totals.active} active nodes, ${d.totals.calls} calls now${d.draining.length ? `; draining: ${d.draining.join(', ')}` : ''}`] : []),
          `netboot: ${Object.entries(s.netboot).map(([k, v]) => `${k} ${String(v)}`).join('; ')}`,
        ].join('\n'),
      );
    });
}
