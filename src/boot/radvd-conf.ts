// radvd.conf for the boot link (pure): router advertisements that say "no
// default router, no prefix" so iPXE's IPv6 configurator stops waiting.
import { PbxbootError } from '../errors.js';

export interface RadvdConfOptions {
  /** the boot interface; the only one radvd may advertise on */
  interface: string;
}

// Linux interface names: 1-15 bytes, no '/', whitespace or ':' (IFNAMSIZ - 1). Anything
// else is refused rather than quoted: the name is spliced into radvd's config grammar.
const ifname = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * RFC 4861 §4.2: Router Lifetime 0 = "not a default router", so no node gets an
 * IPv6 route from it; with no prefix information option nothing is autoconfigured
 * (RFC 4862 §5.5.3 needs a prefix). iPXE completes IPv6 configuration on any RA, and
 * radvd answers iPXE's Router Solicitation at link-up at once (unicast, RFC 7772).
 * 3-4 s is the shortest unsolicited interval radvd.conf(5) allows outside Mobile IPv6:
 * it covers a solicitation lost while a bridge port comes up.
 */
export function renderRadvdConf(o: RadvdConfOptions): string {
  if (!ifname.test(o.interface)) {
    throw new PbxbootError('E_CONFIG', `interface "${o.interface}" is not a valid Linux interface name for radvd`, { value: o.interface });
  }
  return [
    '# Written by pbxboot (netboot.routerAdvertisement); regenerated at every start.',
    `interface ${o.interface} {`,
    '  AdvSendAdvert on;',
    '  AdvDefaultLifetime 0;',
    '  MinRtrAdvInterval 3;',
    '  MaxRtrAdvInterval 4;',
    '  AdvRASolicitedUnicast on;',
    '};',
    '',
  ].join('\n');
}
