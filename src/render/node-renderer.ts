// Renders one node's Asterisk bundle from the inventory, its tenant's PBX DB
// and its ARI credentials. Refuses (E_VALIDATION) a bundle that fails
// validation, so a node never boots with a config that could transcode.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Node } from '../cluster/nodes.js';
import { PbxbootError } from '../errors.js';
import type { StateStore } from '../store/state-store.js';
import type { PbxTenants } from '../store/pbx-tenants.js';
import { agentEndpointRow, renderNodeBundle, type CompiledTemplates, type RenderedBundle } from './bundle.js';
import type { RenderInput } from './render-input.js';
import { sha512Crypt } from './sha512-crypt.js';

// Rounds of the ARI password's crypt hash: the spec's minimum. Rounds stretch a guessable password against a stolen
// hash; this one is 192 random bits (store/node-secrets-repo.ts), beyond any guessing at one round. The default 5000
// cost 15–19 ms of event loop per node, 3–5 s of it in a 200-node boot storm (bench/storm.bench.ts); 1000: 3 ms.
export const ARI_HASH_ROUNDS = 1000;

/** A salt derived from the password: the same password renders the same hash, so the bundle's ETag is stable. */
function stableSalt(password: string): string {
  return createHash('sha256').update(`ari-salt:${password}`).digest('base64').replace(/[^A-Za-z0-9]/g, '.').slice(0, 16);
}

function pbxDbParams(url: string): RenderInput['pbxDb'] {
  if (!/^postgres(ql)?:\/\//.test(url)) return { host: '127.0.0.1', port: 5432, dbname: 'unused-static-mode', user: 'none', password: 'none' };
  const u = new URL(url);
  return {
    host: u.searchParams.get('host') ?? u.hostname,
    port: Number(u.searchParams.get('port') ?? u.port ?? 5432) || 5432,
    dbname: decodeURIComponent(u.pathname.replace(/^\//, '')),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

export class NodeRenderer {
  // Every node polls its bundle every 5 s: an unchanged password is hashed once (one entry per node).
  private readonly ariHashes = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly templates: CompiledTemplates,
    private readonly pbx: PbxTenants,
    private readonly store: StateStore,
  ) {}

  async input(node: Node): Promise<{ input: RenderInput; endpointRows: ReturnType<typeof agentEndpointRow>[] }> {
    const tenant = this.config.tenants[node.tenant];
    if (!tenant) throw new PbxbootError('E_CONFIG', `node ${node.name}: unknown tenant "${node.tenant}"`, { value: node.tenant });
    const codecs = tenant.codecs ?? this.config.codecs;
    const mode = this.pbx.isStatic(node.tenant) ? 'static' : 'realtime';
    const agents = await (await this.pbx.repo(node.tenant)).agentsForRender(node.id);
    const ari = await this.store.secrets.ari(node.id, node.name);
    const input: RenderInput = {
      node: {
        id: node.id,
        name: node.name,
        systemname: node.name,
        entityid: node.macs[0] ?? '00:00:00:00:00:00',
        mgmtAddress: node.ip ?? '0.0.0.0',
      },
      pbxDb: pbxDbParams(this.pbx.urlOf(node.tenant)),
      ari: { user: ari.user, passwordHash: this.ariHash(ari.password) },
      http: { port: this.config.ari.port },
      sip: { port: this.config.asterisk.sipPort },
      rtp: { start: this.config.asterisk.rtpStart, end: this.config.asterisk.rtpEnd },
      sipProxy: { address: this.config.sipProxy.address || this.config.serverAddress || '127.0.0.1', port: this.config.sipProxy.port },
      codecs,
      tenant: node.tenant,
      mode,
      agents: mode === 'static' ? agents : [],
    };
    return { input, endpointRows: mode === 'realtime' ? agents.map((a) => agentEndpointRow(a, codecs)) : [] };
  }

  private ariHash(password: string): string {
    let h = this.ariHashes.get(password);
    if (h === undefined) {
      h = sha512Crypt(password, stableSalt(password), ARI_HASH_ROUNDS);
      this.ariHashes.set(password, h);
    }
    return h;
  }

  /** Renders and validates; the caller decides whether a failed validation may boot (never). */
  async render(node: Node): Promise<RenderedBundle> {
    const { input, endpointRows } = await this.input(node);
    const peers = (await this.store.nodes.list())
      .filter((n) => n.id !== node.id && n.state !== 'removed' && n.state !== 'discovered')
      .map((n) => ({ id: n.id, systemname: n.name, entityid: n.macs[0] ?? '' }));
    return renderNodeBundle(input, { templates: this.templates, peers, endpointRows });
  }

  /** The files a node may boot with, or an error listing every validation failure. */
  async bootFiles(node: Node): Promise<{ name: string; content: string }[]> {
    const r = await this.render(node);
    if (!r.validation.ok) {
      const list = r.validation.failures.map((f) => `${f.file} [${f.section ?? ''}] ${f.key ?? ''}: ${f.message}`).join('; ');
      throw new PbxbootError('E_VALIDATION', `node ${node.name}: rendered configuration refused: ${list}`, { value: r.validation.failures });
    }
    return r.files.map((f) => ({ name: f.name, content: f.content }));
  }
}
