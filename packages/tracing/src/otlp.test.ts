import { type OtlpReceiver, startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureDiag, type DiagCapture } from '../test/helpers/diag-capture.js';
import { type InitOptions, init, type TracingHandle } from './init.js';
import { resetWarnings } from './log.js';
import { resolveOtlpProtocol } from './otlp.js';

let receiver: OtlpReceiver;
let logs: DiagCapture;
let handle: TracingHandle | undefined;

function start(options: InitOptions): TracingHandle {
  handle = init({ exitHooks: false, ...options });
  return handle;
}

/** A parent with two children, ended in order. */
function makeTrace(prefix: string): void {
  const tracer = trace.getTracer('otlp-test', '1.2.3');
  tracer.startActiveSpan(`${prefix}.session`, (root) => {
    root.setAttribute('agentops.span.kind', 'session');
    tracer.startSpan(`${prefix}-llm.llm`, { attributes: { 'gen_ai.usage.prompt_tokens': 12 } }).end();
    tracer.startSpan(`${prefix}-tool.tool`).end();
    root.end();
  });
}

function spanNames(): string[] {
  return receiver.spans.map((s) => s.name).sort();
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  resetWarnings();
  receiver.reset();
  logs = captureDiag();
  // Only what each test sets may select exporters.
  vi.stubEnv('AGENTOPS_API_KEY', '');
  vi.stubEnv('AGENTOPS_EXPORTERS', '');
});
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  logs.restore();
  vi.unstubAllEnvs();
  trace.disable();
  await receiver.start().catch(() => undefined);
});

describe('OTLP export', () => {
  it('sends over gRPC by default, with parents, attributes, scope and resource', async () => {
    const tracing = start({ otlp: { url: receiver.grpcUrl }, serviceName: 'grpc-svc' });
    expect(tracing.exporters).toEqual(['otlp']);
    makeTrace('g');
    await tracing.flush();

    expect(receiver.requests.map((r) => r.transport)).toEqual(['grpc']);
    expect(spanNames()).toEqual(['g-llm.llm', 'g-tool.tool', 'g.session']);
    const root = receiver.spans.find((s) => s.name === 'g.session')!;
    const llm = receiver.spans.find((s) => s.name === 'g-llm.llm')!;
    expect(root.parentSpanId).toBe('');
    expect(llm.parentSpanId).toBe(root.spanId);
    expect(llm.traceId).toBe(root.traceId);
    expect(llm.attributes['gen_ai.usage.prompt_tokens']).toBe(12);
    expect(llm.scopeName).toBe('otlp-test');
    expect(llm.scopeVersion).toBe('1.2.3');
    expect(llm.resourceAttributes).toMatchObject({
      'service.name': 'grpc-svc',
      'agentops.sdk.name': '@agentops/tracing',
    });
    expect(receiver.requests[0]!.headers['user-agent']).toContain('@agentops/tracing/');
  });

  it('is configured from the standard OTEL_* variables alone (gRPC endpoint and headers)', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', receiver.grpcUrl);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-team=alpha,x-env=test');
    vi.stubEnv('OTEL_SERVICE_NAME', 'env-svc');
    const tracing = start({});
    expect(tracing.exporters).toEqual(['otlp']);
    makeTrace('e');
    await tracing.flush();

    expect(receiver.requests[0]).toMatchObject({ transport: 'grpc', headers: { 'x-team': 'alpha', 'x-env': 'test' } });
    expect(spanNames()).toEqual(['e-llm.llm', 'e-tool.tool', 'e.session']);
    expect(receiver.spans[0]!.resourceAttributes['service.name']).toBe('env-svc');
  });

  it('sends OTLP/HTTP protobuf when OTEL_EXPORTER_OTLP_PROTOCOL says http/protobuf', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf');
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.httpEndpoint);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'authorization=Basic abc');
    const tracing = start({ otlp: { headers: { 'x-extra': '1' } } });
    makeTrace('h');
    await tracing.flush();

    expect(receiver.requests.map((r) => r.transport)).toEqual(['http-protobuf']);
    expect(receiver.requests[0]!.headers).toMatchObject({ authorization: 'Basic abc', 'x-extra': '1' });
    expect(spanNames()).toEqual(['h-llm.llm', 'h-tool.tool', 'h.session']);
  });

  it('prefers the traces-specific protocol variable and the option over the generic one', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/protobuf');
    expect(resolveOtlpProtocol()).toBe('http/protobuf');
    expect(resolveOtlpProtocol('grpc')).toBe('grpc');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json');
    expect(resolveOtlpProtocol()).toBe('http/protobuf');
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toContain('http/json is not bundled');
  });
});

describe('retry buffer against a real receiver', () => {
  const timeouts = { timeoutMillis: 300 };

  it.each([
    ['gRPC', 'grpc' as const],
    ['HTTP', 'http/protobuf' as const],
  ])('re-sends every span after a 2 s outage inside a 5 s window (%s)', async (_label, protocol) => {
    const url = protocol === 'grpc' ? receiver.grpcUrl : receiver.httpUrl;
    const tracing = start({ otlp: { protocol, url, ...timeouts }, retryWindowMs: 5_000 });
    await receiver.stop();
    makeTrace('outage');
    await tracing.flush();
    expect(receiver.spans).toHaveLength(0);
    expect(tracing.exportStats()).toMatchObject({ buffered: 3, exported: 0 });
    expect(tracing.exportStats().failedAttempts).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await receiver.start();
    await receiver.waitForSpans(3, 5_000);

    expect(spanNames()).toEqual(['outage-llm.llm', 'outage-tool.tool', 'outage.session']);
    await vi.waitFor(() =>
      expect(tracing.exportStats()).toMatchObject({ exported: 3, retried: 3, dropped: 0, buffered: 0 }),
    );
    expect(logs.warnings()).toEqual([]);
  });

  it('drops, counts and reports spans once the outage outlasts the window', async () => {
    const tracing = start({
      otlp: { protocol: 'http/protobuf', url: receiver.httpUrl, ...timeouts },
      retryWindowMs: 800,
    });
    await receiver.stop();
    makeTrace('lost');
    await tracing.flush();

    await vi.waitFor(() => expect(tracing.exportStats().dropped).toBe(3), { timeout: 5_000 });
    expect(tracing.exportStats()).toMatchObject({ buffered: 0, exported: 0, droppedBy: { expired: 3 } });
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toContain('otlp exporter dropped 3 spans: 3 still unsent after the 800 ms retry window');
    expect(logs.warnings()[0]).toContain('ECONNREFUSED');

    await receiver.start();
    makeTrace('later');
    await tracing.flush();
    expect(spanNames()).toEqual(['later-llm.llm', 'later-tool.tool', 'later.session']);
  });

  it('drops, counts and reports spans beyond maxBufferedSpans during an outage', async () => {
    const tracing = start({
      otlp: { protocol: 'http/protobuf', url: receiver.httpUrl, ...timeouts },
      maxBufferedSpans: 4,
    });
    await receiver.stop();
    makeTrace('a');
    await tracing.flush();
    makeTrace('b');
    await tracing.flush();

    expect(tracing.exportStats()).toMatchObject({ buffered: 4, dropped: 2, droppedBy: { overflow: 2 } });
    expect(logs.warnings().join('\n')).toContain('2 over the 4-span buffer bound');

    await receiver.start();
    await tracing.flush();
    await vi.waitFor(() => expect(receiver.spans).toHaveLength(4), { timeout: 5_000 });
    expect(tracing.exportStats()).toMatchObject({ exported: 4, buffered: 0, dropped: 2 });
  });

  it('retries a 503 and drops a 400 without retrying', async () => {
    const tracing = start({ otlp: { protocol: 'http/protobuf', url: receiver.httpUrl, ...timeouts } });
    receiver.setBehaviour({ status: 400, times: 1 });
    makeTrace('bad');
    await tracing.flush();
    expect(tracing.exportStats()).toMatchObject({ dropped: 3, droppedBy: { rejected: 3 } });
    expect(logs.warnings()[0]).toContain('3 rejected by the backend');

    receiver.setBehaviour({ status: 503, times: 1 });
    makeTrace('flaky');
    await tracing.flush();
    await vi.waitFor(() => expect(receiver.spans).toHaveLength(3), { timeout: 5_000 });
    expect(spanNames()).toEqual(['flaky-llm.llm', 'flaky-tool.tool', 'flaky.session']);
  });

  it('accepts spans at once while the backend is slow (export never blocks the app)', async () => {
    const tracing = start({ otlp: { url: receiver.grpcUrl, timeoutMillis: 1_000 } });
    receiver.setBehaviour({ delayMs: 30_000 });
    const tracer = trace.getTracer('slow');
    for (let i = 0; i < 50; i++) tracer.startSpan(`s${i}`).end();
    // The batch goes to the exporter and is accepted; the request is still waiting for the receiver.
    const flushed = tracing.flush();
    await receiver.waitForRequests(1);
    expect(tracing.exportStats()).toMatchObject({ buffered: 50, exported: 0 });
    // The slow request times out on our side and is re-sent: delivery is at least once.
    receiver.setBehaviour({});
    await flushed;
    await vi.waitFor(() => expect(new Set(receiver.spans.map((s) => s.name)).size).toBe(50), { timeout: 5_000 });
    expect(tracing.exportStats()).toMatchObject({ exported: 50, retried: 50, buffered: 0 });
  });
});
