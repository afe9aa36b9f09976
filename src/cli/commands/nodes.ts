// pbxboot nodes ls|show|add|accept|rm: the inventory, through the HTTP API.
import type { Command } from 'commander';
import type { Node } from '../../cluster/nodes.js';
import { normalizeMac } from '../../cluster/mac.js';
import type { Cli } from '../context.js';
import { ago, paint, table, type Out } from '../output.js';

const stateColor: Record<string, string> = {
  active: 'green', ready: 'green', booting: 'cyan', configured: 'cyan', draining: 'yellow', drained: 'yellow',
  failed: 'red', removed: 'gray', discovered: 'magenta', enrolled: 'blue',
};
const enc = encodeURIComponent;

function printNodes(out: Out, nodes: Node[]): void {
  if (out.json) return out.printJson(nodes);
  if (nodes.length === 0) return out.print('no nodes (add one: pbxboot nodes add MAC --name NAME)');
  out.print(
    table(
      out,
      ['NAME', 'STATE', 'MAC', 'IP', 'TENANT', 'WEIGHT', 'PROFILE', 'LAST BOOT'],
      nodes.map((n) => [n.name, paint(out, stateColor[n.state] ?? '', n.state), n.macs.join(','), n.ip ?? '-', n.tenant, String(n.weight), n.profile, ago(n.lastBootAt)]),
    ),
  );
}

export function registerNodes(program: Command, cli: Cli): void {
  const nodes = program
    .command('nodes')
    .description('list and manage PBX nodes (NODE is a name, MAC or id)')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes add 52:54:00:12:34:56 --name pbx01\n  pbxboot nodes ls --json\n  pbxboot nodes show pbx01');

  nodes
    .command('ls')
    .description('list nodes')
    .option('--state <state>', 'only nodes in this state')
    .option('--tenant <tenant>', 'only nodes of this tenant')
    .option('--json', 'machine-readable output (an array of nodes)')
    .addHelpText('after', '\nExample:\n  pbxboot nodes ls --state discovered')
    .action(async (opts: { state?: string; tenant?: string; json?: boolean }, c: Command) => {
      const q = new URLSearchParams();
      if (opts.state) q.set('state', opts.state);
      if (opts.tenant) q.set('tenant', opts.tenant);
      const r = await cli.client(c).request<{ nodes: Node[] }>('GET', `/v1/nodes${q.size ? '?' + q : ''}`);
      printNodes(cli.out(opts.json), r.nodes);
    });

  nodes
    .command('show')
    .description("show one node and its last boot's timeline")
    .argument('<node>', 'name, MAC or id')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  pbxboot nodes show pbx01')
    .action(async (ref: string, opts: { json?: boolean }, c: Command) => {
      const out = cli.out(opts.json);
      const r = await cli.client(c).request<{ node: Node; lastBoot: { time: number; stage: string; level: string }[] }>('GET', `/v1/nodes/${enc(ref)}`);
      if (out.json) return out.printJson(r);
      const n = r.node;
      out.print(
        [
          `name:     ${n.name}`,
          `id:       ${n.id}`,
          `state:    ${paint(out, stateColor[n.state] ?? '', n.state)}${n.reason ? ` (${n.reason})` : ''}`,
          `macs:     ${n.macs.join(', ')}`,
          `ip:       ${n.ip ?? '-'}`,
          `tenant:   ${n.tenant}   weight: ${n.weight}   profile: ${n.profile}`,
          `netboot:  ${n.allowNetboot ? 'allowed' : 'disabled'}${n.bootOnce ? ' (boot once)' : ''}`,
          `created:  ${new Date(n.createdAt).toISOString()}   last boot: ${ago(n.lastBootAt)}`,
        ].join('\n'),
      );
      if (r.lastBoot.length) {
        const t0 = r.lastBoot[0]!.time;
        out.print('\nlast boot:');
        let prev = t0;
        for (const e of r.lastBoot) {
          out.print(`  +${((e.time - t0) / 1000).toFixed(2).padStart(7)}s  (${((e.time - prev) / 1000).toFixed(2)}s)  ${e.stage}`);
          prev = e.time;
        }
      }
    });

  nodes
    .command('add')
    .description('enrol a node by MAC address')
    .argument('<mac...>', 'MAC address(es): aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff')
    .requiredOption('--name <name>', 'node name (lower-case letters, digits, -)')
    .option('--tenant <tenant>', 'tenant (default: the first configured)')
    .option('--weight <n>', 'capacity weight for agent balancing', '1')
    .option('--ip <addr>', 'fixed IP (reservation in dhcp server mode)')
    .option('--profile <profile>', 'boot profile', 'default')
    .option('--json', 'print the created node as JSON')
    .addHelpText('after', '\nExample:\n  pbxboot nodes add 52:54:00:12:34:56 --name pbx01 --tenant acme --weight 2')
    .action(async (macs: string[], opts: { name: string; tenant?: string; weight: string; ip?: string; profile: string; json?: boolean }, c: Command) => {
      const normalized = macs.map(normalizeMac); // refuse bad input before any request
      const r = await cli.client(c).request<{ node: Node }>('POST', '/v1/nodes', {
        name: opts.name, macs: normalized, tenant: opts.tenant, weight: opts.weight, ip: opts.ip, profile: opts.profile,
      });
      const out = cli.out(opts.json);
      if (out.json) return out.printJson(r.node);
      out.print(`added ${r.node.name} (${r.node.macs.join(', ')}), state ${r.node.state}`);
    });

  nodes
    .command('accept')
    .description('enrol a discovered node (one that PXE-booted while unknown)')
    .argument('<node>', 'name, MAC or id of the discovered node')
    .option('--name <name>', 'give it a name')
    .addHelpText('after', '\nExample:\n  pbxboot nodes ls --state discovered\n  pbxboot nodes accept 52:54:00:aa:bb:cc --name pbx07')
    .action(async (ref: string, opts: { name?: string }, c: Command) => {
      const r = await cli.client(c).request<{ node: Node }>('POST', `/v1/nodes/${enc(ref)}/accept`, { name: opts.name });
      cli.out().print(`accepted ${r.node.name}, state ${r.node.state}`);
    });

  nodes
    .command('rm')
    .description('remove a node: it is refused netboot from now on (history is kept)')
    .argument('<node>', 'name, MAC or id')
    .option('--force', 'remove even if it still serves (drain it first otherwise)')
    .addHelpText('after', '\nExample:\n  pbxboot nodes rm pbx01')
    .action(async (ref: string, opts: { force?: boolean }, c: Command) => {
      const r = await cli.client(c).request<{ node: Node }>('DELETE', `/v1/nodes/${enc(ref)}${opts.force ? '?force=1' : ''}`);
      cli.out().print(`removed ${r.node.name}`);
    });
}
