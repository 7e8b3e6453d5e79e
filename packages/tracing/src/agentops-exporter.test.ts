import { trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AgentOpsStandIn, startAgentOpsStandIn } from '../test/helpers/agentops-stand-in.js';
import { captureDiag, type DiagCapture } from '../test/helpers/diag-capture.js';
import { isValidApiKey } from './agentops-exporter.js';
import { init, type TracingHandle } from './init.js';
import { resetWarnings } from './log.js';

const KEY = '6f2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

let standIn: AgentOpsStandIn;
let logs: DiagCapture;
let handle: TracingHandle | undefined;

function start(options: { apiKey?: string } = {}): TracingHandle {
  handle = init({
    exporters: ['agentops'],
    apiKey: KEY,
    apiEndpoint: standIn.url,
    exporterEndpoint: standIn.tracesUrl,
    serviceName: 'agentops-test',
    exitHooks: false,
    ...options,
  });
  return handle;
}

function endSpans(...names: string[]): void {
  const tracer = trace.getTracer('agentops-test');
  for (const name of names) tracer.startSpan(name).end();
}

beforeEach(async () => {
  resetWarnings();
  logs = captureDiag();
  standIn = await startAgentOpsStandIn();
});

afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  await standIn.close();
  logs.restore();
  trace.disable();
});

describe('AgentOps export', () => {
  it('exchanges the API key for a JWT and exports over OTLP/HTTP with the bearer token', async () => {
    const tracing = start();
    endSpans('chat.llm', 'search.tool');
    await tracing.flush();

    expect(standIn.authRequests).toHaveLength(1);
    const auth = standIn.authRequests[0]!;
    expect(JSON.parse(auth.body.toString('utf8'))).toEqual({ api_key: KEY });
    expect(auth.headers['content-type']).toBe('application/json');
    expect(auth.headers['user-agent']).toMatch(/^@agentops\/tracing\//);

    expect(standIn.traceRequests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-1']);
    expect(standIn.traceRequests[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(standIn.spans.map((s) => s.name).sort()).toEqual(['chat.llm', 'search.tool']);
    expect(standIn.spans[0]!.resourceAttributes).toMatchObject({
      'service.name': 'agentops-test',
      'agentops.sdk.name': '@agentops/tracing',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(tracing.exportStats()).toMatchObject({ exported: 2, dropped: 0, buffered: 0 });
    expect(logs.warnings()).toEqual([]);
  });

  it('holds spans made before the token arrives and sends them, authenticated, once it does', async () => {
    let openGate: () => void = () => undefined;
    standIn.behaviour.authGate = new Promise((resolve) => {
      openGate = resolve;
    });
    const tracing = start();
    endSpans('early-1', 'early-2', 'early-3');
    const flushed = tracing.flush();

    try {
      await vi.waitFor(() => {
        expect(tracing.exportStats().buffered).toBe(3);
        expect(standIn.authRequests).toHaveLength(1);
      });
      expect(standIn.traceRequests).toHaveLength(0);
    } finally {
      openGate();
    }
    await flushed;
    expect(standIn.spans.map((s) => s.name).sort()).toEqual(['early-1', 'early-2', 'early-3']);
    expect(standIn.traceRequests.every((r) => r.headers.authorization === 'Bearer jwt-1')).toBe(true);
    expect(tracing.exportStats()).toMatchObject({ exported: 3, buffered: 0, dropped: 0 });
  });

  it('re-authenticates once on a 401 and re-sends with the new token', async () => {
    standIn.behaviour.tokens = ['jwt-old', 'jwt-new'];
    standIn.behaviour.acceptedToken = 'jwt-new';
    const tracing = start();
    endSpans('after-reauth');
    await tracing.flush();

    expect(standIn.authRequests).toHaveLength(2);
    expect(standIn.traceRequests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-old', 'Bearer jwt-new']);
    expect(standIn.spans.map((s) => s.name)).toEqual(['after-reauth']);
    expect(tracing.exportStats()).toMatchObject({ exported: 1, dropped: 0 });
  });

  it('gives one clear warning for a malformed key, sends nothing and counts the dropped spans', async () => {
    const tracing = start({ apiKey: 'not-a-key' });
    endSpans('a', 'b');
    await tracing.flush();
    endSpans('c');
    await tracing.flush();

    expect(standIn.authRequests).toHaveLength(0);
    expect(standIn.traceRequests).toHaveLength(0);
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toContain('AgentOps API key is not a valid UUID');
    expect(logs.warnings()[0]).not.toContain('not-a-key');
    expect(tracing.exportStats()).toMatchObject({ exported: 0, dropped: 3, droppedBy: { rejected: 3 } });
  });

  it('gives one clear warning when the backend rejects the key', async () => {
    standIn.behaviour.authStatus = 403;
    const tracing = start();
    endSpans('a');
    await tracing.flush();
    endSpans('b');
    await tracing.flush();

    expect(standIn.authRequests).toHaveLength(1);
    expect(standIn.traceRequests).toHaveLength(0);
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toContain('AgentOps rejected the API key (HTTP 403: {"error":"Invalid API key"})');
    expect(tracing.exportStats()).toMatchObject({ dropped: 2, droppedBy: { rejected: 2 } });
  });

  it('warns once when no key is set, without throwing', async () => {
    vi.stubEnv('AGENTOPS_API_KEY', '');
    try {
      const tracing = start({ apiKey: undefined });
      endSpans('a');
      await tracing.flush();
      expect(tracing.enabled).toBe(true);
      expect(logs.warnings()).toHaveLength(1);
      expect(logs.warnings()[0]).toContain('no AgentOps API key');
      expect(standIn.authRequests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('isValidApiKey', () => {
  it('accepts UUIDs (with or without dashes or braces) only', () => {
    expect(isValidApiKey(KEY)).toBe(true);
    expect(isValidApiKey(KEY.toUpperCase())).toBe(true);
    expect(isValidApiKey(KEY.replaceAll('-', ''))).toBe(true);
    expect(isValidApiKey(`{${KEY}}`)).toBe(true);
    expect(isValidApiKey('sk-123')).toBe(false);
    expect(isValidApiKey('')).toBe(false);
    expect(isValidApiKey(undefined)).toBe(false);
  });
});
