import { connect, type Socket } from 'node:net';
import { type Bridge, startBridge } from '@agentops/litellm-bridge';
import { startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { afterAll, expect, it } from 'vitest';
import { summarize, writeFigure } from './support/figures.ts';
import { standardPayload } from './support/litellm-payloads.ts';
import { waitUntil } from './support/wait.ts';

/*
 * The bridge under many connections at once: slow clients (sockets that send part of their headers, then nothing)
 * held open while hundreds of concurrent clients post payloads. Every client gets a 2xx and every payload becomes
 * exactly one span: slow clients do not starve the server.
 */

const TOKEN = 'abuse-token';
const CONCURRENT = 300;
const SLOW_SOCKETS = 100;
const receiver = await startOtlpReceiver();
const bridge: Bridge = await startBridge({
  port: 0,
  authToken: TOKEN,
  headersTimeoutMs: 1500,
  requestTimeoutMs: 3000,
  log: () => {},
  tracing: {
    exporters: ['otlp'],
    otlp: { protocol: 'grpc', url: receiver.grpcUrl },
    batch: { scheduledDelayMillis: 200 },
  },
});

afterAll(async () => {
  await bridge.shutdown();
  await receiver.close();
});

function openSlowSocket(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      // A request line and one header, then nothing: a slow (or malicious) client.
      socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      resolve({ socket, closed });
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

it(`${CONCURRENT} concurrent clients alongside ${SLOW_SOCKETS} slow sockets: every payload ingested exactly once`, async () => {
  const port = Number(new URL(bridge.url).port);
  const slow = await Promise.all(Array.from({ length: SLOW_SOCKETS }, () => openSlowSocket(port)));
  const ids = Array.from({ length: CONCURRENT }, (_, i) => `abuse-${i}`);
  const latencies: number[] = [];
  const statuses = await Promise.all(
    ids.map(async (id) => {
      const began = performance.now();
      const response = await fetch(`${bridge.url}/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(standardPayload(id)),
      });
      await response.text();
      latencies.push(performance.now() - began);
      return response.status;
    }),
  );
  expect(statuses.every((status) => status >= 200 && status < 300)).toBe(true);

  // The slow sockets were still open the whole time: they did not starve the server (the bridge's own tests cover
  // the 408 that the header timeout sends them).
  const stillOpen = slow.filter(({ socket }) => !socket.destroyed).length;
  for (const { socket } of slow) socket.destroy();

  const spansFor = () => {
    const counts = new Map<string, number>();
    for (const span of receiver.spans) {
      const id = span.attributes['litellm.call_id'];
      if (typeof id === 'string' && id.startsWith('abuse-')) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };
  await waitUntil(
    () => spansFor().size === CONCURRENT,
    60_000,
    () => `${spansFor().size}/${CONCURRENT} spans arrived`,
  );
  expect([...spansFor().values()].every((count) => count === 1)).toBe(true);

  // Still serving afterwards.
  expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
  writeFigure('bridge-abuse', 'npm run test:reliability -- src/bridge-abuse.test.ts', {
    concurrentClients: CONCURRENT,
    slowSockets: SLOW_SOCKETS,
    latencyMs: summarize(latencies),
    slowSocketsOpenDuringLoad: stillOpen,
  });
}, 90_000);
