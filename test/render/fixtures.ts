// A representative node's RenderInput, shared by the render tests and the bench.
import type { RenderInput } from '../../src/render/render-input.js';

// A fixed hash (salt "pbxbootgolden") keeps the golden files stable.
export const ariHash = '$6$pbxbootgolden$O/uk7/wNVrLMbh00bA95Ujgivb4C5c47Aceq6krQL55NwpHouylhB1pP5zO.UAcMqOEXk7mBJKWYAyZZzKSEb.'; // sha512Crypt('golden-password', 'pbxbootgolden')

export function representativeNode(mode: 'realtime' | 'static' = 'realtime'): RenderInput {
  return {
    node: { id: 'pbx01', name: 'pbx01', systemname: 'pbx01', entityid: '02:00:0a:00:00:0b', mgmtAddress: '10.0.0.11' },
    pbxDb: { host: '10.0.0.2', port: 5432, dbname: 'pbx', user: 'asterisk', password: 'db;pass' },
    ari: { user: 'pbxboot', passwordHash: ariHash },
    http: { port: 8088 },
    sip: { port: 5060 },
    rtp: { start: 10000, end: 20000 },
    sipProxy: { address: '10.0.0.3', port: 5060 },
    codecs: ['ulaw', 'alaw'],
    tenant: 'acme',
    mode,
    agents:
      mode === 'static'
        ? [
            { id: '1001', extension: '1001', name: 'Ann Example', tenant: 'acme', department: 'sales', secret: 'sec;ret-1001' },
            { id: '1002', extension: '1002', name: '', tenant: 'acme', department: 'support', secret: 'secret-1002' },
          ]
        : [],
  };
}
