// Standalone test ARI server: node --import tsx test/ari-server/main.ts --port P --user U --pass P [--endpoints PJSIP/1001,PJSIP/1002]
import { parseArgs } from 'node:util';
import { TestAriServer } from './server.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8088' }, host: { type: 'string', default: '127.0.0.1' }, user: { type: 'string', default: 'pbxboot' }, pass: { type: 'string', default: 'secret' }, endpoints: { type: 'string', default: '' } },
});
const server = new TestAriServer({ user: values.user, password: values.pass });
for (const e of values.endpoints.split(',').filter(Boolean)) {
  const [tech, resource] = e.split('/');
  if (tech && resource) server.addEndpoint(tech, resource);
}
const url = await server.listen(Number(values.port), values.host);
process.stdout.write(`test ARI server on ${url}/ari (controls under /_test/)\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
