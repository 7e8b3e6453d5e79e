/**
 * The two export modes of the demo, against local stand-ins (no Jaeger, nothing leaves 127.0.0.1):
 * `OTEL_EXPORTER_OTLP_ENDPOINT` → OTLP gRPC, and `AGENTOPS_API_KEY` → the AgentOps token exchange and OTLP/HTTP with
 * the bearer token. Both receive the whole demo trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectDemoTrace, fromReceivedSpan } from '../test/demo-trace.ts';
import { type MainResult, main } from './main.ts';

const API_KEY = '5f0c4a52-7a0e-4d8e-9a86-2f7bb0e5f1c3';
const SPAN_COUNT = 18;
const dir = mkdtempSync(join(tmpdir(), 'agentops-demo-export-'));
let receiver: OtlpReceiver;
let tokenServer: Server;
const tokenRequests: unknown[] = [];
let output = '';
let result: MainResult;

/** The AgentOps token endpoint: `POST /v3/auth/token {api_key}` → `{token, project_id}`. */
async function startTokenServer(): Promise<string> {
  tokenServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      tokenRequests.push({ path: request.url, body: JSON.parse(body) as unknown });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token: 'jwt-demo', project_id: 'project-demo' }));
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const apiEndpoint = await startTokenServer();
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.grpcUrl);
  vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
  vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', '');
  vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', '');
  vi.stubEnv('OTEL_SERVICE_NAME', 'demo-export-test');
  vi.stubEnv('AGENTOPS_API_KEY', API_KEY);
  vi.stubEnv('AGENTOPS_API_ENDPOINT', apiEndpoint);
  vi.stubEnv('AGENTOPS_EXPORTER_ENDPOINT', receiver.httpUrl);
  result = await main({
    write: (text) => {
      output += text;
    },
    traceFile: join(dir, 'spans.jsonl'),
    exitHooks: false,
  });
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await receiver?.close();
  await new Promise((resolve) => tokenServer?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('export', () => {
  it('uses every exporter the environment asks for, and says so', () => {
    expect(result.exporters).toEqual(['console', 'file', 'otlp', 'agentops']);
    expect(output).toContain(
      `exporting to: console, file ${join(dir, 'spans.jsonl')}, OTLP grpc ${receiver.grpcUrl}, AgentOps ${receiver.httpUrl}`,
    );
    // main() returns after shutdown(), so both deliveries are complete.
    expect(result.stats).toMatchObject({ exported: 2 * SPAN_COUNT, dropped: 0, buffered: 0 });
    expect(output).toContain(`delivered ${2 * SPAN_COUNT} spans to OTLP grpc`);
  });

  it('sends the whole trace over OTLP gRPC', () => {
    const grpc = receiver.requests.filter((request) => request.transport === 'grpc');
    expect(grpc.length).toBeGreaterThan(0);
    const spans = receiver.spans.filter((span) => span.resourceAttributes['service.name'] === 'demo-export-test');
    expect(spans).toHaveLength(2 * SPAN_COUNT);
    const grpcSpanCount = grpc.reduce((sum, request) => sum + request.spanCount, 0);
    expect(grpcSpanCount).toBe(SPAN_COUNT);
  });

  it('exchanges the API key for a token and sends the whole trace to AgentOps with it', () => {
    expect(tokenRequests).toEqual([{ path: '/v3/auth/token', body: { api_key: API_KEY } }]);
    const http = receiver.requests.filter((request) => request.transport === 'http-protobuf');
    expect(http.length).toBeGreaterThan(0);
    for (const request of http) expect(request.headers.authorization).toBe('Bearer jwt-demo');
    expect(http.reduce((sum, request) => sum + request.spanCount, 0)).toBe(SPAN_COUNT);
  });

  it('both transports carry the same, complete tree', () => {
    const copies = new Map<string, ReceivedSpan[]>();
    for (const span of receiver.spans) copies.set(span.spanId, [...(copies.get(span.spanId) ?? []), span]);
    // Each span arrived twice (once per transport), with the same ids.
    expect([...copies.values()].map((list) => list.length)).toEqual(Array(SPAN_COUNT).fill(2));
    const once = [...copies.values()].map((list) => list[0]).filter((span) => span !== undefined);
    expectDemoTrace(once.map(fromReceivedSpan), { sessionId: result.sessionId, serviceName: 'demo-export-test' });
  });
});
