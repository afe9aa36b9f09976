// Names of a node's read views in the PBX DB (`<node>_ps_endpoints`, …). Pure and
// shared by the renderer (extconfig.conf names them) and the store (creates them).
// res_config_pgsql does not quote identifiers (asterisk/asterisk#1655), so a view
// name must be a plain lower-case identifier within PostgreSQL's 63 bytes.
import { PbxbootError } from '../errors.js';

/** The realtime families a node reads through its own views. */
export const viewFamilies = ['ps_endpoints', 'ps_aors', 'ps_auths'] as const;
export type ViewFamily = (typeof viewFamilies)[number];

const maxIdent = 63 - '_ps_endpoints'.length;

/** The identifier prefix of a node's views: lower case, [a-z0-9_], starts with a letter. */
export function nodeViewPrefix(nodeId: string): string {
  let s = nodeId.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(s)) s = `n${s}`;
  if (s.length > maxIdent) {
    throw new PbxbootError('E_USAGE', `node id "${nodeId}" is too long for a view name (max ${maxIdent} characters)`, { value: nodeId });
  }
  return s;
}

export function nodeViewName(nodeId: string, family: ViewFamily): string {
  return `${nodeViewPrefix(nodeId)}_${family}`;
}

export function nodeViewNames(nodeId: string): Record<ViewFamily, string> {
  const p = nodeViewPrefix(nodeId);
  return { ps_endpoints: `${p}_ps_endpoints`, ps_aors: `${p}_ps_aors`, ps_auths: `${p}_ps_auths` };
}
