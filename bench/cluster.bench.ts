// Applying a rebalance on a real PostgreSQL PBX DB: 200,000 agents over 500
// nodes (cold start: every agent placed), then one node leaving (its agents
// re-homed), through the cluster controller as pbxboot runs it.
import { performance } from 'node:perf_hooks';
import { ClusterController } from '../src/cluster/controller.js';
import { openSqlite } from '../src/store/sqlite.js';
import { openPostgres } from '../src/store/postgres.js';
import { migrate } from '../src/store/migrate.js';
import { stateStoreOn } from '../src/store/state-store.js';
import { PbxRepo } from '../src/store/pbx.js';
import { startTestPg } from '../test/helpers/pg.js';
import type { Bench } from './types.js';

const bench: Bench = async ({ quick, log }) => {
  const agents = quick ? 20_000 : 200_000;
  const nodeCount = quick ? 50 : 500;
  const pg = await startTestPg();
  const state = openSqlite(':memory:');
  try {
    await migrate(state, 'state');
    const store = stateStoreOn(state);
    const db = await openPostgres(pg.url);
    await migrate(db, 'pbx');
    const repo = new PbxRepo(db, { codecs: ['ulaw'] });
    let t0 = performance.now();
    await repo.importAgents(Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, extension: String(100000 + i), name: `Agent ${i}`, tenant: 'default', department: 'inbound', secret: 's' })));
    log(`import ${agents} agents: ${(performance.now() - t0).toFixed(0)} ms`);
    const ids: string[] = [];
    for (let i = 0; i < nodeCount; i++) {
      const n = await store.nodes.create({ name: `n${i}`, macs: [`52:54:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`] });
      await store.nodes.transition(n.id, 'booting');
      await store.nodes.transition(n.id, 'ready');
      await store.nodes.transition(n.id, 'active');
      ids.push(n.id);
    }
    const c = new ClusterController({ nodes: store.nodes, agents: repo, daemons: { watch: () => undefined, stop: async () => undefined, channels: () => 0 }, sink: { emit: () => undefined } });
    t0 = performance.now();
    const cold = await c.rebalance();
    const coldMs = performance.now() - t0;
    log(`cold rebalance: ${cold.moves.length} moves applied in ${coldMs.toFixed(0)} ms`);
    t0 = performance.now();
    await c.nodeFailed(ids[7]!, 'bench');
    const leaveMs = performance.now() - t0;
    const left = (await repo.listAgentsByNode(ids[7]!)).length;
    log(`one node failed: re-homed in ${leaveMs.toFixed(0)} ms (agents left on it: ${left})`);
    await db.close();
    return [
      { group: 'cluster', metric: `apply rebalance, ${agents.toLocaleString('en')} agents / ${nodeCount} nodes, cold start (PostgreSQL)`, unit: 'ms', pbxboot: coldMs },
      { group: 'cluster', metric: `node failure → its ${Math.round(agents / nodeCount)} agents re-homed (PostgreSQL; target < 5000)`, unit: 'ms', pbxboot: leaveMs },
    ];
  } finally {
    await state.close();
    await pg.stop();
  }
};
export default bench;
