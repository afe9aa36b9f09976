// pbxboot nodes ls|show|add|accept|rm: the inventory, through the HTTP API.
import type { Command } from 'commander';
import type { Node } from '../../cluster/nodes.js';
import { normalizeMac } from '../../cluster/mac.js';
import { PbxbootError } from '../../errors.js';
import type { Cli } from '../context.js';
import { expandHostlist } from '../hostlist.js';
import { forEachNode } from '../many.js';
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

interface NodeDetail {
  node: Node;
  lastBoot: { time: number; stage: string; level: string }[];
}

function printNode(out: Out, r: NodeDetail, gap: boolean): void {
  const n = r.node;
  if (gap) out.print('');
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
}

export function registerNodes(program: Command, cli: Cli): void {
  const nodes = program
    .command('nodes')
    .description('list and manage PBX nodes (NODE is a name, MAC or id)')
    .addHelpText('after', '\nNODE arguments of show, accept and rm take hostlists: pbx[01-05], pbx[1,3,7-9], pbx01,pbx07.\n\nExamples:\n  pbxboot nodes add 52:54:00:12:34:56 --name pbx01\n  pbxboot nodes ls --json\n  pbxboot nodes show pbx[01-03]');

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
    .description("show nodes and their last boot's timeline")
    .argument('<node...>', 'name, MAC, id or hostlist (pbx[01-05])')
    .option('--json', 'machine-readable output (one node: an object; several: an array)')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes show pbx01\n  pbxboot nodes show pbx[01-03] --json')
    .action(async (refs: string[], opts: { json?: boolean }, c: Command) => {
      const out = cli.out(opts.json);
      const client = cli.client(c);
      const single = refs.length === 1 && expandHostlist(refs[0]!).length === 1;
      const all = await forEachNode(refs, (ref) => client.request<NodeDetail>('GET', `/v1/nodes/${enc(ref)}`));
      if (out.json) return out.printJson(single ? all[0] : all);
      all.forEach((r, i) => printNode(out, r, i > 0));
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
    .description('enrol discovered nodes (ones that PXE-booted while unknown)')
    .argument('<node...>', 'name, MAC, id or hostlist of discovered nodes')
    .option('--name <name>', 'give it a name (one node only)')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes ls --state discovered\n  pbxboot nodes accept 52:54:00:aa:bb:cc --name pbx07\n  pbxboot nodes accept 52:54:00:aa:bb:01 52:54:00:aa:bb:02')
    .action(async (refs: string[], opts: { name?: string }, c: Command) => {
      const client = cli.client(c);
      if (opts.name && !(refs.length === 1 && expandHostlist(refs[0]!).length === 1)) throw new PbxbootError('E_USAGE', '--name needs exactly one node');
      await forEachNode(refs, async (ref) => {
        const r = await client.request<{ node: Node }>('POST', `/v1/nodes/${enc(ref)}/accept`, { name: opts.name });
        cli.out().print(`accepted ${r.node.name}, state ${r.node.state}`);
      });
    });

  nodes
    .command('rm')
    .description('remove nodes: they are refused netboot from now on (history is kept)')
    .argument('<node...>', 'name, MAC, id or hostlist (pbx[01-05])')
    .option('--force', 'remove even if it still serves (drain it first otherwise)')
    .addHelpText('after', '\nExamples:\n  pbxboot nodes rm pbx01\n  pbxboot nodes rm pbx[05-08] --force')
    .action(async (refs: string[], opts: { force?: boolean }, c: Command) => {
      const client = cli.client(c);
      await forEachNode(refs, async (ref) => {
        const r = await client.request<{ node: Node }>('DELETE', `/v1/nodes/${enc(ref)}${opts.force ? '?force=1' : ''}`);
        cli.out().print(`removed ${r.node.name}`);
      });
    });
}
