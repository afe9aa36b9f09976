// An agent's PJSIP objects (endpoint, aor, auth) as column → value maps. Pure; the
// one source for both the realtime rows written to ps_* and the static pjsip.conf
// sections of SQLite mode, so the two modes configure an agent identically.

export interface AgentInput {
  id: string;
  extension: string;
  name: string;
  tenant: string;
  department: string;
  /** null = generate one on import */
  secret: string | null;
}

export interface Agent extends Omit<AgentInput, 'secret'> {
  secret: string;
}

export interface EndpointPolicy {
  /** the one codec list (config `codecs`): no transcoding anywhere */
  codecs: readonly string[];
  /** the pjsip.conf transport section agents use */
  transport: string;
  /** dialplan context of agents' calls */
  context: string;
}

export const defaultEndpointPolicy = { transport: 'transport-udp', context: 'agents' } as const;

/**
 * Asterisk's codec negotiation preferences: offer only what both sides have
 * (intersect) and never transcode, so every leg keeps the configured codec list.
 */
export const noTranscodePrefs = 'prefer: pending, operation: intersect, keep: all, transcode: prevent';

export type Columns = Record<string, string | number>;

export interface AgentPjsip {
  endpoint: Columns;
  aor: Columns;
  auth: Columns;
}

// Booleans are written as 'true'/'false', the way Asterisk itself writes them.
export function agentPjsip(a: Agent, p: EndpointPolicy): AgentPjsip {
  return {
    endpoint: {
      id: a.id,
      transport: p.transport,
      aors: a.id,
      auth: a.id,
      context: p.context,
      disallow: 'all',
      allow: p.codecs.join(','),
      codec_prefs_incoming_offer: noTranscodePrefs,
      codec_prefs_outgoing_offer: noTranscodePrefs,
      direct_media: 'false',
      rtp_symmetric: 'true',
      force_rport: 'true',
      rewrite_contact: 'true',
      dtmf_mode: 'rfc4733',
      callerid: callerId(a),
      tenantid: a.tenant,
    },
    aor: { id: a.id, max_contacts: 1, remove_existing: 'true' },
    auth: { id: a.id, auth_type: 'userpass', username: a.id, password: a.secret },
  };
}

// ps_endpoints.callerid is VARCHAR(40): the name is shortened to fit beside the extension.
function callerId(a: Agent): string {
  const ext = `<${a.extension}>`;
  const room = 40 - ext.length - 3;
  const name = a.name.replace(/["<>]/g, '').trim().slice(0, Math.max(0, room)).trim();
  return name ? `"${name}" ${ext}` : ext;
}
