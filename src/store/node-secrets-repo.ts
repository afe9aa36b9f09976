// The ARI credentials of each node, generated once and kept (re-registration
// of a rebooted node reuses them).
import { randomBytes } from 'node:crypto';
import type { SqlDb } from './sql.js';

export interface AriCredentials {
  user: string;
  password: string;
}

export class NodeSecretsRepo {
  constructor(private readonly db: SqlDb) {}

  async ari(nodeId: string, nodeName: string): Promise<AriCredentials> {
    const row = await this.db.get<{ ari_user: string; ari_password: string }>('SELECT ari_user, ari_password FROM node_secrets WHERE node_id = ?', [nodeId]);
    if (row) return { user: row.ari_user, password: row.ari_password };
    const creds = { user: `pbxboot-${nodeName}`, password: randomBytes(24).toString('base64url') };
    // Two concurrent first calls: the loser reads the winner's row.
    await this.db.run(
      `INSERT INTO node_secrets (node_id, ari_user, ari_password, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (node_id) DO NOTHING`,
      [nodeId, creds.user, creds.password, Date.now()],
    );
    return (await this.ari(nodeId, nodeName));
  }
}
