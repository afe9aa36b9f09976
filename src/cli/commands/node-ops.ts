// pbxboot nodes drain|undrain|reassign: operations that move agents (DESIGN §5).
import type { Command } from 'commander';
import type { Node } from '../../cluster/nodes.js';
import { PbxbootError } from '../../errors.js';
import type { DashboardSnapshot } from '../../dashboard/snapshot.js';
import type { Cli } from '../context.js';

const enc = encodeURIComponent;

export function registerNodeOps(nodes: Command, cli: Cli): void {
  nodes
    .command('drain')
    .description('stop new calls to a node and move its agents away: idle ones now, busy ones when their call ends')
    .argument('<node>', 'name, MAC or id')
    .option('--wait', 'show progress until the node is drained (exit 0), or the timeout (exit 1)')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '600')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes drain pbx03 --wait\n  pbxboot nodes drain pbx03 && pbxboot nodes rm pbx03')
    .action(async (ref: string, opts: { wait?: boolean; timeout: string; json?: boolean }, c: Command) => {
      const client = cli.client(c);
      const out = cli.out(opts.json);
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new PbxbootError('E_USAGE', `invalid --timeout "${opts.timeout}": seconds > 0`, { value: opts.timeout });
      let { node } = await client.request<{ node: Node }>('POST', `/v1/nodes/${enc(ref)}/drain`);
      if (!opts.wait || node.state === 'drained') {
        if (out.json) return out.printJson(node);
        return out.print(`${node.name}: ${node.state}`);
      }
      const until = Date.now() + timeout * 1000;
      let last = '';
      while (Date.now() < until) {
        const snap = await client.request<DashboardSnapshot>('GET', '/v1/dashboard');
        const row = snap.nodes.find((n) => n.id === node.id);
        node = (await client.request<{ node: Node }>('GET', `/v1/nodes/${enc(node.id)}`)).node;
        const line = `${node.name}: ${node.state}, ${row?.agents ?? 0} agents left (${row?.busy ?? 0} on calls), ${row?.calls ?? 0} calls left`;
        if (line !== last && !out.json) out.print(line);
        last = line;
        if (node.state === 'drained') {
          if (out.json) out.printJson(node);
          return;
        }
        if (node.state !== 'draining') throw new PbxbootError('E_REFUSED', `${node.name} left draining: it is ${node.state}`, { value: node.state });
        await new Promise((r) => setTimeout(r, 1000));
      }
      throw new PbxbootError('E_INTERNAL', `${node.name} not drained after ${timeout} s (${last})`);
    });

  nodes
    .command('undrain')
    .description('take a drained or draining node back into service; agents rebalance onto it')
    .argument('<node>', 'name, MAC or id')
    .addHelpText('after', '\nExample:\n  pbxboot nodes undrain pbx03')
    .action(async (ref: string, _opts: unknown, c: Command) => {
      const { node } = await cli.client(c).request<{ node: Node }>('POST', `/v1/nodes/${enc(ref)}/undrain`);
      cli.out().print(`${node.name}: ${node.state}`);
    });

  nodes
    .command('reassign')
    .description("point a node at another tenant's databases or another boot profile (re-rendered; the node picks it up in seconds)")
    .argument('<node>', 'name, MAC or id')
    .option('--tenant <tenant>', 'the tenant whose PBX DB the node serves')
    .option('--profile <profile>', 'the boot profile (image) for its next boot')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes reassign pbx07 --tenant acme\n  pbxboot nodes reassign pbx07 --profile rescue')
    .action(async (ref: string, opts: { tenant?: string; profile?: string }, c: Command) => {
      if (!opts.tenant && !opts.profile) throw new PbxbootError('E_USAGE', 'nodes reassign needs --tenant or --profile');
      const { node } = await cli.client(c).request<{ node: Node }>('POST', `/v1/nodes/${enc(ref)}/reassign`, opts);
      cli.out().print(`${node.name}: tenant ${node.tenant}, profile ${node.profile}`);
    });
}
