// Network namespaces for tests: each test makes its own hosts (ip netns +
// veth/bridge) so servers never touch the machine's real interfaces.
import { execa, type Options } from 'execa';
import { randomBytes } from 'node:crypto';

export interface Netns {
  name: string;
  /** Run a command inside the namespace. */
  exec(cmd: string, args?: string[], opts?: Options): ReturnType<typeof execa>;
  /** argv prefix to run something in it: ['ip','netns','exec',name] */
  prefix: string[];
}

const created = new Set<string>();

export async function ip(...args: string[]): Promise<string> {
  const r = await execa('ip', args);
  return String(r.stdout);
}

export async function createNetns(tag: string): Promise<Netns> {
  const name = `pbx-${tag}-${randomBytes(3).toString('hex')}`;
  await ip('netns', 'add', name);
  created.add(name);
  await ip('-n', name, 'link', 'set', 'lo', 'up');
  return {
    name,
    prefix: ['ip', 'netns', 'exec', name],
    exec: (cmd, args = [], opts = {}) => execa('ip', ['netns', 'exec', name, cmd, ...args], opts),
  };
}

/** A veth pair between two namespaces with IPv4 addresses in CIDR form ("10.77.0.1/24"). */
export async function linkVeth(
  a: Netns,
  aAddr: string | null,
  b: Netns,
  bAddr: string | null,
  opts: { aIf?: string; bIf?: string; mtu?: number } = {},
): Promise<{ aIf: string; bIf: string }> {
  const aIf = opts.aIf ?? 'eth0';
  const bIf = opts.bIf ?? 'eth0';
  const tmp = `v${randomBytes(4).toString('hex')}`;
  await ip('link', 'add', `${tmp}a`, 'type', 'veth', 'peer', 'name', `${tmp}b`);
  await ip('link', 'set', `${tmp}a`, 'netns', a.name);
  await ip('link', 'set', `${tmp}b`, 'netns', b.name);
  await ip('-n', a.name, 'link', 'set', `${tmp}a`, 'name', aIf);
  await ip('-n', b.name, 'link', 'set', `${tmp}b`, 'name', bIf);
  for (const [ns, ifn, addr] of [
    [a, aIf, aAddr],
    [b, bIf, bAddr],
  ] as const) {
    if (opts.mtu) await ip('-n', ns.name, 'link', 'set', ifn, 'mtu', String(opts.mtu));
    if (addr) await ip('-n', ns.name, 'addr', 'add', addr, 'dev', ifn);
    await ip('-n', ns.name, 'link', 'set', ifn, 'up');
  }
  return { aIf, bIf };
}

export async function destroyNetns(ns: Netns | string): Promise<void> {
  const name = typeof ns === 'string' ? ns : ns.name;
  await execa('ip', ['netns', 'del', name], { reject: false });
  created.delete(name);
}

/** Delete every namespace this process made (call from t.teardown). */
export async function destroyAllNetns(): Promise<void> {
  for (const n of [...created]) await destroyNetns(n);
}

/** Fails loudly (never skips) when the test cannot create namespaces. */
export async function requireNetns(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('network-namespace tests need root (ip netns add)');
  await execa('ip', ['netns', 'list']);
}
