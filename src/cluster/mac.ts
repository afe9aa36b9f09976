// MAC address parsing: accepts aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF and
// aabb.ccdd.eeff (Cisco) and normalises to lower-case colon form.
import { PbxbootError } from '../errors.js';

const colon = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const dash = /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/;
const dotted = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/;

/** Normalised MAC, or null when the text is not one of the accepted forms. */
export function parseMac(text: string): string | null {
  const s = text.trim().toLowerCase();
  let hex: string;
  if (colon.test(s) || dash.test(s)) hex = s.replace(/[:-]/g, '');
  else if (dotted.test(s)) hex = s.replace(/\./g, '');
  else return null;
  return hex.match(/../g)!.join(':');
}

export function normalizeMac(text: string): string {
  const mac = parseMac(text);
  if (mac === null) {
    throw new PbxbootError(
      'E_BAD_MAC',
      `invalid MAC address "${text}": expected aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff`,
      { value: text },
    );
  }
  return mac;
}

// Two hex digits per byte value: macFromBytes runs for every DHCP packet.
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** MAC from 6 raw bytes (e.g. DHCP chaddr). */
export function macFromBytes(b: Uint8Array): string {
  return `${HEX2[b[0] ?? 0]}:${HEX2[b[1] ?? 0]}:${HEX2[b[2] ?? 0]}:${HEX2[b[3] ?? 0]}:${HEX2[b[4] ?? 0]}:${HEX2[b[5] ?? 0]}`;
}
