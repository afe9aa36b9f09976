// Boot file table (DESIGN §3): which first-stage loader each kind of client gets; first matching rule wins, overridable in config.
import type { ClientFacts } from '../dhcp/facts.js';

export interface BootRule {
  name: string;
  when: {
    /** option 93 (or vendor-class) architecture numbers, RFC 4578 §2.1 */
    arch?: readonly number[];
    /** true: only iPXE (option 77 "iPXE" or 175); false: only non-iPXE */
    ipxe?: boolean;
    /** option 77 contains this item */
    userClass?: string;
  };
  /** `tftp`: a file name under the TFTP root; `http`: a URL template with {server}, {httpPort}, {mac}. */
  then: { tftp: string } | { http: string };
}

export type BootTarget =
  | { kind: 'tftp'; rule: string; file: string }
  | { kind: 'http'; rule: string; url: string };

export interface BootServer {
  /** address clients reach pbxboot at (TFTP next-server, HTTP host) */
  address: string;
  httpPort: number;
}

export const defaultBootTable: readonly BootRule[] = [
  // iPXE already runs: hand it its script over HTTP, which breaks the chainload loop.
  { name: 'ipxe', when: { ipxe: true }, then: { http: 'http://{server}:{httpPort}/boot/ipxe/{mac}' } },
  { name: 'bios', when: { arch: [0] }, then: { tftp: 'undionly.kpxe' } },
  { name: 'uefi-x64', when: { arch: [6, 7, 9] }, then: { tftp: 'ipxe.efi' } },
  // Debian ships x86 iPXE only: the operator supplies snp-arm64.efi.
  { name: 'uefi-arm64', when: { arch: [10, 11] }, then: { tftp: 'snp-arm64.efi' } },
  { name: 'http-x64', when: { arch: [15, 16] }, then: { http: 'http://{server}:{httpPort}/boot/files/ipxe/ipxe.efi' } },
  { name: 'http-arm64', when: { arch: [19] }, then: { http: 'http://{server}:{httpPort}/boot/files/ipxe/snp-arm64.efi' } },
];

function matches(rule: BootRule, f: ClientFacts): boolean {
  const w = rule.when;
  if (w.ipxe !== undefined && w.ipxe !== f.ipxe) return false;
  if (w.arch !== undefined && (f.arch === null || !w.arch.includes(f.arch))) return false;
  if (w.userClass !== undefined && !f.userClass.includes(w.userClass)) return false;
  return true;
}

const fill = (tpl: string, f: ClientFacts, s: BootServer): string =>
  tpl.replace(/\{(server|httpPort|mac)\}/g, (_, k: string) => (k === 'server' ? s.address : k === 'httpPort' ? String(s.httpPort) : f.mac));

/** The first rule that matches, or null (the caller ignores the client with a reason). */
export function chooseBootFile(f: ClientFacts, server: BootServer, table: readonly BootRule[] = defaultBootTable): BootTarget | null {
  for (const rule of table) {
    if (!matches(rule, f)) continue;
    return 'tftp' in rule.then
      ? { kind: 'tftp', rule: rule.name, file: fill(rule.then.tftp, f, server) }
      : { kind: 'http', rule: rule.name, url: fill(rule.then.http, f, server) };
  }
  return null;
}
