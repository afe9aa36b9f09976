// Namespaces for DHCP tests: a server host and a client host on one link (10.77.0.0/24).
import { ip, createNetns, linkVeth, type Netns } from '../../helpers/netns.js';

export interface Link {
  srv: Netns;
  cli: Netns;
}

export async function serverAndClient(tag: string, srvAddr = '10.77.0.1/24'): Promise<Link> {
  const srv = await createNetns(`${tag}s`);
  const cli = await createNetns(`${tag}c`);
  await linkVeth(srv, srvAddr, cli, null);
  return { srv, cli };
}

/** Gives the client interface a new MAC (each simulated machine has its own) and clears its addresses. */
export async function setMac(ns: Netns, mac: string, ifname = 'eth0'): Promise<void> {
  await ip('-n', ns.name, 'link', 'set', ifname, 'down');
  await ip('-n', ns.name, 'addr', 'flush', 'dev', ifname);
  await ip('-n', ns.name, 'link', 'set', ifname, 'address', mac);
  await ip('-n', ns.name, 'link', 'set', ifname, 'up');
}
