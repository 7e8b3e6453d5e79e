#!/usr/bin/env node
/**
 * `node tools/mock-llm/src/cli.ts [--port N]`: runs the mock until SIGTERM / SIGINT. The first stdout line is
 * `MOCK_LLM_URL=http://127.0.0.1:PORT/v1`, so scripts can read it.
 */
import { parseArgs } from 'node:util';
import { startMockLlm } from './server.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`mock-llm: invalid --port ${values.port}\n`);
  process.exit(2);
}

const mock = await startMockLlm({ port });
process.stdout.write(`MOCK_LLM_URL=${mock.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  mock.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
