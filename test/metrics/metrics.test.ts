// /metrics parses as Prometheus text format and counts what happened.
import t from 'tap';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { buildApi } from '../../src/http/api.js';
import type { ApiContext } from '../../src/http/context.js';
import { EventBus, StepFeed } from '../../src/events/bus.js';
import type { BootEventInput } from '../../src/events/event.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { validateConfig } from '../../src/config/load.js';
import { createMetrics } from '../../src/metrics/metrics.js';

t.test('metrics from the steps adapters emit, HTTP and the inventory', async (t) => {
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  const bus = new EventBus();
  const store = stateStoreOn(db, bus);
  const steps = new StepFeed();
  const metrics = createMetrics(store.nodes, steps);
  t.teardown(() => metrics.close());
  const logged: BootEventInput[] = [];
  const sink = steps.tap({ emit: (ev) => void logged.push(ev) });
  const ctx: ApiContext = { config: validateConfig({}, 't'), store, bus, sink: { emit: () => undefined }, version: 't', startedAt: Date.now(), netboot: () => ({}) };
  const router = buildApi(ctx, () => 'admin', { metrics });
  const get = (path: string) => router.request({ method: 'GET', path, query: new URLSearchParams(), headers: {} });

  await store.nodes.create({ name: 'pbx01', macs: ['52:54:00:00:00:01'] });
  const events: BootEventInput[] = [
    { stage: 'dhcp.discover', mac: '52:54:00:00:00:01' },
    { stage: 'dhcp.offer', mac: '52:54:00:00:00:01' },
    { stage: 'dhcp.offer', mac: '52:54:00:00:00:02' },
    { stage: 'dhcp.frobnicate', mac: '52:54:00:00:00:02' },
    { stage: 'tftp.complete', detail: { bytes: 1000 } },
    { stage: 'http.ipxe-script', node: 'n1', time: 1000 },
    { stage: 'agent.ready', node: 'n1', time: 13_000 },
  ];
  for (const ev of events) sink.emit(ev);
  t.same(logged, events, 'every event is handed on to the log, in order');
  // The log's live feed is not where metrics count: a written event reached them as a step already.
  bus.publish(await store.events.append([{ stage: 'dhcp.offer', mac: '52:54:00:00:00:03' }]));
  await get('/v1/nodes');
  await get('/nope');
  const r = await get('/metrics');
  t.equal(r.status, 200);
  t.match(r.headers!['content-type'], /text\/plain/);
  const fams = new Map(parsePrometheusTextFormat(String(r.body)).map((f) => [f.name, f]));
  const value = (name: string, labels: Record<string, string> = {}) =>
    Number(fams.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value);
  t.equal(value('pbxboot_dhcp_packets_total', { type: 'offer' }), 2);
  t.equal(value('pbxboot_dhcp_packets_total', { type: 'discover' }), 1);
  t.equal(value('pbxboot_dhcp_packets_total', { type: 'other' }), 1, 'an unknown DHCP step counts as other');
  t.equal(Number(parsePrometheusTextFormat(String((await get('/metrics')).body)).find((f) => f.name === 'pbxboot_dhcp_packets_total')?.metrics.find((m) => m.labels?.type === 'offer')?.value), 2, 'a second scrape reads the same totals');
  t.equal(value('pbxboot_tftp_bytes_total'), 1000);
  t.equal(value('pbxboot_nodes', { state: 'enrolled' }), 1);
  t.equal(value('pbxboot_http_requests_total', { route: '/v1/nodes', status: '200' }), 1);
  t.equal(value('pbxboot_http_requests_total', { route: '(unmatched)', status: '404' }), 1);
  const hist = fams.get('pbxboot_boot_stage_seconds')!;
  t.equal(hist.type, 'HISTOGRAM');
  // (this parser drops histogram labels; the raw text carries them)
  t.equal(Number(hist.metrics[0]!.buckets!['10']), 0);
  t.equal(Number(hist.metrics[0]!.buckets!['20']), 1, 'iPXE script → ready took 12 s');
  t.match(String(r.body), /pbxboot_boot_stage_seconds_sum\{stage="agent.ready"\} 12/);
  t.ok([...fams.keys()].some((n) => n.startsWith('pbxboot_process_') && n.endsWith('resident_memory_bytes')), 'process metrics');
});
