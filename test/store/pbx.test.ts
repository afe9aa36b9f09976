// PBX DB contract on SQLite and PostgreSQL: Asterisk's PJSIP tables with
// Asterisk's types, agent import, node registration, per-node views, dispatcher.
import { forEachDb } from '../helpers/stores.js';
import { migrate } from '../../src/store/migrate.js';
import { PbxRepo, createNodeViews } from '../../src/store/pbx.js';
import { nodeViewNames } from '../../src/store/pbx-names.js';
import type { AgentInput } from '../../src/render/agent-pjsip.js';
import type { SqlDb } from '../../src/store/sql.js';

const agent = (i: number, tenant = 'acme'): AgentInput => ({
  id: `a${i}`,
  extension: String(1000 + i),
  name: `Agent ${i}`,
  tenant,
  department: 'sales',
  secret: i % 2 ? `s3cret${i}` : null,
});

const reg = (id: string, address: string) => ({
  id,
  name: id,
  tenant: 'acme',
  address,
  sipPort: 5060,
  ariUrl: `http://${address}:8088/ari`,
  ariUser: `pbxboot-${id}`,
  capacity: 1,
  systemname: id,
  entityid: address === '10.0.0.1' ? '02:00:00:00:00:01' : '02:00:00:00:00:02',
  setid: 1,
});

async function columnTypes(db: SqlDb, table: string): Promise<Map<string, string>> {
  if (db.dialect === 'postgres') {
    const rows = await db.all<{ column_name: string; data_type: string; udt_name: string; character_maximum_length: number | null }>(
      `SELECT column_name, data_type, udt_name, character_maximum_length FROM information_schema.columns WHERE table_name = ?`,
      [table],
    );
    return new Map(rows.map((r) => [r.column_name, r.data_type === 'USER-DEFINED' ? r.udt_name : r.character_maximum_length ? `${r.data_type}(${r.character_maximum_length})` : r.data_type]));
  }
  const rows = await db.all<{ name: string; type: string }>(`SELECT name, type FROM pragma_table_info('${table}')`);
  return new Map(rows.map((r) => [r.name, r.type]));
}

forEachDb('PBX DB', async (t, f) => {
  const db = await f.open();
  const applied = await migrate(db, 'pbx');
  t.same(applied, [1, 2], 'both PBX migrations applied');
  t.same(await migrate(db, 'pbx'), [], 'idempotent');

  // Asterisk's own names and types (alembic head e89e30cee53f).
  const ep = await columnTypes(db, 'ps_endpoints');
  t.equal(ep.size, 147, "ps_endpoints has Asterisk's 147 columns at e89e30cee53f");
  for (const c of ['100rel', 'rtp_port_start', 'rtp_port_end', 'codec_prefs_incoming_offer', 'tenantid', 'identify_by']) t.ok(ep.has(c), `ps_endpoints.${c}`);
  t.notOk(ep.has('node_id'), 'no pbxboot column in an Asterisk table');
  if (db.dialect === 'postgres') {
    t.equal(ep.get('direct_media'), 'ast_bool_values');
    t.equal(ep.get('dtmf_mode'), 'pjsip_dtmf_mode_values_v3');
    t.equal(ep.get('100rel'), 'pjsip_100rel_values_v2');
    t.equal(ep.get('allow'), 'character varying(200)');
    t.equal(ep.get('identify_by'), 'character varying(80)');
    t.equal((await columnTypes(db, 'ps_aors')).get('qualify_timeout'), 'double precision');
    t.equal((await columnTypes(db, 'ps_auths')).get('auth_type'), 'pjsip_auth_type_values_v2');
    t.equal((await columnTypes(db, 'dispatcher')).get('weight'), 'character varying(64)');
  } else {
    t.match(ep.get('direct_media'), /^VARCHAR\(5\)/);
  }
  // What Asterisk writes (true/false) and every other ast_bool spelling is accepted; junk is not.
  await db.run(`INSERT INTO ps_aors (id, remove_existing, support_path) VALUES ('probe', 'true', 'false')`);
  await db.run(`UPDATE ps_aors SET remove_existing = 'yes' WHERE id = 'probe'`);
  await t.rejects(db.run(`UPDATE ps_aors SET remove_existing = 'maybe' WHERE id = 'probe'`), 'enum refuses other values');
  await db.run(`DELETE FROM ps_aors WHERE id = 'probe'`);
  t.same(await db.get(`SELECT table_version FROM version WHERE table_name = 'dispatcher'`), { table_version: 9 }, 'OpenSIPS version row');

  const repo = new PbxRepo(db, { codecs: ['ulaw', 'alaw'], batchSize: 7 });
  const r = await repo.importAgents(Array.from({ length: 20 }, (_, i) => agent(i)));
  t.same(r, { created: 20, updated: 0 });
  t.equal((await repo.listAgents()).length, 20);
  const e0 = await db.get<Record<string, unknown>>(`SELECT * FROM ps_endpoints WHERE id = 'a1'`);
  t.match(e0, { disallow: 'all', allow: 'ulaw,alaw', direct_media: 'false', aors: 'a1', auth: 'a1', tenantid: 'acme', callerid: '"Agent 1" <1001>' });
  t.match(await db.get(`SELECT * FROM ps_auths WHERE id = 'a1'`), { auth_type: 'userpass', username: 'a1', password: 's3cret1' });
  const gen = (await db.get<{ password: string }>(`SELECT password FROM ps_auths WHERE id = 'a0'`))!.password;
  t.match(gen, /^[A-Za-z0-9_-]{24}$/, 'secret generated when absent');

  // Re-import updates in place, keeps the generated secret and the assignment.
  await repo.applyMoves([{ agent: 'a0', from: null, to: 'n1' }]);
  const again = await repo.importAgents([{ ...agent(0), name: 'Renamed' }]);
  t.same(again, { created: 0, updated: 1 });
  t.equal((await db.get<{ password: string }>(`SELECT password FROM ps_auths WHERE id = 'a0'`))!.password, gen, 'secret kept');
  t.match((await repo.listAgentsByNode('n1'))[0], { id: 'a0', name: 'Renamed', nodeId: 'n1' });
  t.match(await db.get(`SELECT callerid, direct_media, allow FROM ps_endpoints WHERE id = 'a0'`), { callerid: '"Renamed" <1000>', direct_media: 'false', allow: 'ulaw,alaw' }, 'the upsert rewrites ps_endpoints too');

  // All-or-nothing: a duplicate extension in the tenant rolls the whole import back.
  await t.rejects(repo.importAgents([agent(100), { ...agent(101), extension: '1000' }]), { code: 'E_CONFLICT' });
  t.equal((await repo.listAgents()).length, 20, 'nothing written');
  t.notOk(await db.get(`SELECT id FROM ps_endpoints WHERE id = 'a100'`), 'no ps_endpoints row either');

  // Registration: pbx_nodes, views, dispatcher row; idempotent.
  await repo.registerNode(reg('n1', '10.0.0.1'));
  await repo.registerNode(reg('n2', '10.0.0.2'));
  await repo.registerNode(reg('n1', '10.0.0.1'));
  t.equal((await db.all(`SELECT id FROM pbx_nodes`)).length, 2);
  t.equal((await db.all(`SELECT id FROM dispatcher`)).length, 2, 're-registration adds no dispatcher row');
  t.match(await repo.dispatcherRow('n1'), { setid: 1, destination: 'sip:10.0.0.1:5060', state: 0, probe_mode: 1, attrs: 'node=n1' });

  await repo.applyMoves([
    { agent: 'a1', from: null, to: 'n1' },
    { agent: 'a2', from: null, to: 'n2' },
    { agent: 'a3', from: null, to: 'n2' },
  ]);
  const v1 = nodeViewNames('n1');
  const v2 = nodeViewNames('n2');
  t.same((await db.all<{ id: string }>(`SELECT id FROM ${v1.ps_endpoints} ORDER BY id`)).map((x) => x.id), ['a0', 'a1'], 'n1 sees only its agents');
  t.same((await db.all<{ id: string }>(`SELECT id FROM ${v2.ps_aors} ORDER BY id`)).map((x) => x.id), ['a2', 'a3']);
  t.same((await db.all<{ id: string }>(`SELECT id FROM ${v2.ps_auths} ORDER BY id`)).map((x) => x.id), ['a2', 'a3']);
  const cols = Object.keys((await db.get<Record<string, unknown>>(`SELECT * FROM ${v1.ps_endpoints} WHERE id = 'a1'`))!);
  t.equal(cols.length, ep.size, 'the view has exactly Asterisk columns');
  await repo.applyMoves([{ agent: 'a1', from: 'n1', to: 'n2' }]);
  t.same((await db.all<{ id: string }>(`SELECT id FROM ${v1.ps_endpoints}`)).map((x) => x.id), ['a0'], 'a move shows at once');
  t.match(await db.get(`SELECT * FROM agent_routes WHERE agent_id = 'a1'`), { extension: '1001', node_id: 'n2', destination: 'sip:10.0.0.2:5060' });
  t.same(await createNodeViews(db, 'n1'), v1, 'view creation is repeatable');

  // Drain flips the dispatcher row; undrain flips it back; removal deletes it.
  await repo.setDispatcherState('n2', false);
  t.equal((await repo.dispatcherRow('n2'))!.state, 1, 'inactive on drain');
  await repo.setDispatcherState('n2', true);
  t.equal((await repo.dispatcherRow('n2'))!.state, 0);
  await repo.removeNode('n2');
  t.equal(await repo.dispatcherRow('n2'), undefined);
  t.match(await db.get(`SELECT state FROM pbx_nodes WHERE id = 'n2'`), { state: 'removed' });

  // Pins; a node id that maps onto another node's views is refused.
  await repo.setPin('a3', 'n1');
  t.equal((await repo.listAgents()).find((a) => a.id === 'a3')!.pinnedNodeId, 'n1');
  await t.rejects(repo.setPin('nope', null), { code: 'E_NOT_FOUND' });
  await t.rejects(repo.registerNode({ ...reg('N1', '10.0.0.9'), systemname: 'x', entityid: '02:00:00:00:00:09' }), { code: 'E_CONFLICT' });
});
