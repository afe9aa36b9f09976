// The wall-TV dashboard: a static page (public/dashboard.*) and one coalesced
// SSE stream. TVs authenticate with the read-only token in the URL.
import { join } from 'node:path';
import type { DashboardFeed } from '../../dashboard/feed.js';
import { json, PreSerialized, type Router } from '../router.js';

const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export function registerDashboardRoutes(router: Router, feed: DashboardFeed, publicDir: string): void {
  const page = (file: string) => ({ status: 200, file: { path: join(publicDir, file), contentType: types[file.split('.').pop()!]! } });
  router.on('GET', '/dashboard', 'open', () => page('dashboard.html'));
  router.on('GET', '/dashboard/app.js', 'open', () => page('dashboard.js'));
  router.on('GET', '/dashboard/style.css', 'open', () => page('dashboard.css'));
  router.on('GET', '/v1/dashboard', 'read', async () => json(200, await feed.snapshot()));
  router.on('GET', '/v1/dashboard/stream', 'read', () => ({
    status: 200,
    sse: {
      open(send) {
        return feed.subscribe((snapshot) => send('snapshot', new PreSerialized(snapshot)));
      },
    },
  }));
}
