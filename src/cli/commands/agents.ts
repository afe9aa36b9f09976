// pbxboot agents ls|import|move and pbxboot rebalance.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { PbxbootError } from '../../errors.js';
import type { Move, Unplaced } from '../../cluster/balance.js';
import type { Node } from '../../cluster/nodes.js';
import type { AgentView } from '../../http/routes/cluster.js';
import type { Cli } from '../context.js';
import { table } from '../output.js';

export function registerAgents(program: Command, cli: Cli): void {
  const agents = program
    .command('agents')
    .description('call-center agents: list, import, move')
    .addHelpText('after', '\nExamples:\n  pbxboot agents import agents.csv\n  pbxboot agents ls --node pbx01\n  pbxboot agents move 1042 --to pbx03');

  agents
    .command('ls')
    .description('list agents and the node serving each')
    .option('--node <node>', 'only agents on this node')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'machine-readable output (an array of agents)')
    .addHelpText('after', '\nExample:\n  pbxboot agents ls --node pbx01 --json')
    .action(async (opts: { node?: string; tenant?: string; json?: boolean }, c: Command) => {
      const client = cli.client(c);
      const q = new URLSearchParams();
      if (opts.node) q.set('node', opts.node);
      if (opts.tenant) q.set('tenant', opts.tenant);
      const [r, n] = await Promise.all([
        client.request<{ agents: AgentView[] }>('GET', `/v1/agents${q.size ? '?' + q : ''}`),
        client.request<{ nodes: Node[] }>('GET', '/v1/nodes'),
      ]);
      const out = cli.out(opts.json);
      if (out.json) return out.printJson(r.agents);
      const names = new Map(n.nodes.map((x) => [x.id, x.name]));
      out.print(
        table(out, ['ID', 'EXTENSION', 'NAME', 'TENANT', 'DEPARTMENT', 'NODE', 'PINNED'], r.agents.map((a) => [
          a.id, a.extension, a.name, a.tenant, a.department, a.node ? (names.get(a.node) ?? a.node) : '-', a.pinnedNode ? (names.get(a.pinnedNode) ?? a.pinnedNode) : '-',
        ])),
      );
    });

  agents
    .command('import')
    .description('import agents from CSV (columns: id, extension, name, tenant, department, secret?); all or nothing')
    .argument('<file>', 'CSV file with a header line, or - for stdin')
    .addHelpText('after', '\nExample:\n  printf "id,extension,name,tenant,department\\n1001,1001,Ann,default,inbound\\n" > a.csv\n  pbxboot agents import a.csv')
    .action(async (file: string, _o: unknown, c: Command) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (e) {
        throw new PbxbootError('E_USAGE', `cannot read ${file}: ${(e as Error).message}`, { value: file });
      }
      const r = await cli.client(c).request<{ imported: number; created: number; updated: number }>('POST', '/v1/agents/import', text, 'text/csv');
      cli.out().print(`imported ${r.imported} agents (${r.created} new, ${r.updated} updated)`);
    });

  agents
    .command('move')
    .description('move an agent to a node (pinned there unless --no-pin); a busy agent moves when its call ends')
    .argument('<agent>', 'agent id')
    .requiredOption('--to <node>', 'target node (name, MAC or id)')
    .option('--no-pin', 'move now but let the balancer move it later')
    .addHelpText('after', '\nExample:\n  pbxboot agents move 1042 --to pbx03')
    .action(async (agent: string, opts: { to: string; pin: boolean }, c: Command) => {
      const r = await cli.client(c).request<{ agent: string; to: string; pinned: boolean; busy: boolean }>('POST', `/v1/agents/${encodeURIComponent(agent)}/move`, { to: opts.to, pin: opts.pin });
      cli.out().print(`agent ${r.agent} → ${r.to}${r.pinned ? ' (pinned)' : ''}${r.busy ? ', after the current call' : ''}`);
    });

  program
    .command('rebalance')
    .description('spread agents evenly over active nodes, moving as few as possible')
    .option('--dry-run', 'print the moves without applying them')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  pbxboot rebalance --dry-run')
    .action(async (opts: { dryRun?: boolean; json?: boolean }, c: Command) => {
      const client = cli.client(c);
      const r = await client.request<{ moves: Move[]; deferred: Move[]; unplaced: Unplaced[] }>('POST', '/v1/rebalance', { dryRun: opts.dryRun === true });
      const out = cli.out(opts.json);
      if (out.json) return out.printJson(r);
      const names = new Map((await client.request<{ nodes: Node[] }>('GET', '/v1/nodes')).nodes.map((n) => [n.id, n.name]));
      const nm = (id: string | null) => (id ? (names.get(id) ?? id) : '-');
      for (const m of r.moves) out.print(`${opts.dryRun ? 'would move' : 'moved'} ${m.agent}: ${nm(m.from)} → ${nm(m.to)}`);
      for (const m of r.deferred) out.print(`after call: ${m.agent}: ${nm(m.from)} → ${nm(m.to)}`);
      for (const u of r.unplaced) out.print(`no active node for ${u.agent} (tenant ${u.tenant})`);
      out.print(`${r.moves.length} moves${opts.dryRun ? ' (dry run)' : ''}, ${r.deferred.length} waiting for calls to end, ${r.unplaced.length} unplaced`);
    });
}
