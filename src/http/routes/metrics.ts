// GET /metrics in Prometheus text format (open, like most exporters; it holds no secrets).
import type { Metrics } from '../../metrics/metrics.js';
import type { Router } from '../router.js';

export function registerMetricsRoute(router: Router, metrics: Metrics): void {
  router.on('GET', '/metrics', 'open', async () => ({
    status: 200,
    body: await metrics.registry.metrics(),
    headers: { 'content-type': metrics.registry.contentType },
  }));
}
