import { Metadata } from '@grpc/grpc-js';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from './decode.ts';
import { type OtlpReceiver, startOtlpReceiver } from './receiver.ts';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
afterEach(() => receiver.reset());

const SECRET = 'sk-live-DO-NOT-EXPORT-42';

/** Emits a parent (client, error status, event, link) and a child span through `exporter`. */
async function emitTree(exporter: SpanExporter): Promise<{ parent: Span; child: Span }> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'receiver-test', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('receiver-test-scope', '1.2.3');
  const parent = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.system': 'openai',
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.request.temperature': 0.5,
      'llm.is_streaming': false,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'test.secret': SECRET,
    },
    links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { why: 'x' } }],
  });
  const child = tracer.startSpan('execute_tool weather', {}, trace.setSpan(context.active(), parent));
  child.addEvent('gen_ai.tool.result', { 'tool.output': 'Sunny', count: 2 });
  child.end();
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { parent, child };
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return span;
}

function expectTree(spans: ReceivedSpan[], parent: Span, child: Span): void {
  const p = byName(spans, 'chat gpt-4o');
  const c = byName(spans, 'execute_tool weather');
  expect(p.spanId).toBe(parent.spanContext().spanId);
  expect(p.traceId).toBe(parent.spanContext().traceId);
  expect(p.parentSpanId).toBe('');
  expect(c.spanId).toBe(child.spanContext().spanId);
  expect(c.parentSpanId).toBe(p.spanId);
  expect(c.traceId).toBe(p.traceId);
  expect(p.kind).toBe('SPAN_KIND_CLIENT');
  expect(c.kind).toBe('SPAN_KIND_INTERNAL');
  expect(p.attributes).toEqual({
    'gen_ai.system': 'openai',
    'gen_ai.usage.input_tokens': 42,
    'gen_ai.request.temperature': 0.5,
    'llm.is_streaming': false,
    'gen_ai.response.finish_reasons': ['stop', 'length'],
    'test.secret': SECRET,
  });
  expect(p.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'rate limited' });
  expect(c.status.code).toBe('STATUS_CODE_UNSET');
  expect(c.events).toEqual([
    {
      name: 'gen_ai.tool.result',
      timeUnixNano: expect.stringMatching(/^\d{19}$/),
      attributes: { 'tool.output': 'Sunny', count: 2 },
    },
  ]);
  expect(p.links).toEqual([
    { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: '', attributes: { why: 'x' } },
  ]);
  expect(p.resourceAttributes).toMatchObject({ 'service.name': 'receiver-test', 'deployment.environment': 'test' });
  expect(p.scopeName).toBe('receiver-test-scope');
  expect(p.scopeVersion).toBe('1.2.3');
  expect(BigInt(p.endTimeUnixNano) >= BigInt(p.startTimeUnixNano)).toBe(true);
}

/** Finished spans to push through an exporter by hand, so tests can read the ExportResult. */
async function finishedSpans(): Promise<ReadableSpan[]> {
  const collected: ReadableSpan[] = [];
  const collector: SpanExporter = {
    export: (spans, done) => {
      collected.push(...spans);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
  await emitTree(collector);
  return collected;
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('gRPC (exporter-trace-otlp-grpc)', () => {
  it('decodes names, parents, attributes, events, links, resource and scope; keeps metadata and raw bytes', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', 'Bearer grpc-token');
    const { parent, child } = await emitTree(new GrpcExporter({ url: receiver.grpcUrl, metadata }));
    const spans = await receiver.waitForSpans(2);
    expectTree(spans, parent, child);
    expect(receiver.requests.every((r) => r.transport === 'grpc' && r.status === 200)).toBe(true);
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer grpc-token');
    expect(receiver.requests[0]?.headers['user-agent']).toContain('OTel-OTLP-Exporter-JavaScript');
    expect(receiver.rawBodies.some((body) => body.includes(SECRET))).toBe(true);
  });

  it('answers UNAUTHENTICATED for setBehaviour({ status: 401 }) and records no spans', async () => {
    const spans = await finishedSpans();
    const exporter = new GrpcExporter({ url: receiver.grpcUrl });
    receiver.setBehaviour({ status: 401 });
    const result = await exportOnce(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(String(result.error)).toContain('UNAUTHENTICATED');
    expect(receiver.requests.map((r) => [r.status, r.spanCount])).toEqual([[401, 2]]);
    expect(receiver.spans).toEqual([]);
    receiver.setBehaviour({});
    expect((await exportOnce(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.spans).toHaveLength(2);
    await exporter.shutdown();
  });
});

describe('OTLP/HTTP protobuf (exporter-trace-otlp-proto)', () => {
  it('decodes the same tree and keeps headers and raw bytes', async () => {
    const exporter = new ProtoExporter({ url: receiver.httpUrl, headers: { authorization: 'Bearer http-token' } });
    const { parent, child } = await emitTree(exporter);
    const spans = await receiver.waitForSpans(2);
    expectTree(spans, parent, child);
    const [request] = receiver.requests;
    expect(request?.transport).toBe('http-protobuf');
    expect(request?.headers.authorization).toBe('Bearer http-token');
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    expect(receiver.rawBodies.some((body) => body.includes(SECRET))).toBe(true);
  });

  it('decompresses gzip bodies before recording them', async () => {
    const exporter = new ProtoExporter({ url: receiver.httpUrl, compression: 'gzip' as never });
    await exportOnce(exporter, await finishedSpans());
    expect(receiver.requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(receiver.rawBodies[0]?.includes(SECRET)).toBe(true);
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'execute_tool weather']);
    await exporter.shutdown();
  });

  it('answers 500 for setBehaviour({ status: 500 }), then recovers after `times`', async () => {
    const spans = await finishedSpans();
    const exporter = new ProtoExporter({ url: receiver.httpUrl });
    receiver.setBehaviour({ status: 500, times: 1 });
    const failed = await exportOnce(exporter, spans);
    expect(failed.code).toBe(ExportResultCode.FAILED);
    expect(receiver.spans).toEqual([]);
    expect((await exportOnce(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(receiver.spans).toHaveLength(2);
    await exporter.shutdown();
  });

  it('answers slowly with delayMs: an exporter with a short timeout gives up, the spans still arrive', async () => {
    const spans = await finishedSpans();
    const exporter = new ProtoExporter({ url: receiver.httpUrl, timeoutMillis: 100 });
    receiver.setBehaviour({ delayMs: 3000 });
    const result = await exportOnce(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(receiver.spans).toHaveLength(2);
    receiver.setBehaviour({});
    await exporter.shutdown();
  });
});

describe('OTLP/JSON', () => {
  it('decodes hex ids, numeric enums and every AnyValue kind', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'json-scope' },
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  parentSpanId: 'eee19b7ec3c1b173',
                  name: 'json span',
                  kind: 3,
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: 1544712661000000000,
                  attributes: [
                    { key: 'i', value: { intValue: '7' } },
                    { key: 'd', value: { doubleValue: 1.5 } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                    { key: 'big', value: { intValue: '9007199254740993' } },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(receiver.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(receiver.spans).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: 'eee19b7ec3c1b173',
        traceState: '',
        name: 'json span',
        kind: 'SPAN_KIND_CLIENT',
        startTimeUnixNano: '1544712660000000000',
        endTimeUnixNano: '1544712661000000000',
        attributes: { i: 7, d: 1.5, b: true, a: ['x', 2], kv: { k: 'v' }, big: '9007199254740993' },
        droppedAttributesCount: 0,
        status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
        events: [],
        links: [],
        resourceAttributes: { 'service.name': 'json-svc' },
        scopeName: 'json-scope',
        scopeVersion: '',
      },
    ]);
    expect(receiver.requests[0]?.transport).toBe('http-json');
  });

  it('rejects an undecodable body with 400 and other paths with 404', async () => {
    const bad = await fetch(receiver.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expect(receiver.requests[0]?.status).toBe(400);
    expect((await fetch(`${receiver.httpEndpoint}/v1/metrics`, { method: 'POST', body: '' })).status).toBe(404);
  });
});

describe('outage: stop() and start() on the same ports', () => {
  it('refuses exports while stopped, keeps state, and accepts again on the same URLs', async () => {
    const spans = await finishedSpans();
    const http = new ProtoExporter({ url: receiver.httpUrl, timeoutMillis: 500 });
    const grpc = new GrpcExporter({ url: receiver.grpcUrl, timeoutMillis: 500 });
    const urls = [receiver.grpcUrl, receiver.httpUrl];
    expect((await exportOnce(http, spans)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOnce(grpc, spans)).code).toBe(ExportResultCode.SUCCESS);

    await receiver.stop();
    expect(receiver.spans).toHaveLength(4);
    expect((await exportOnce(http, spans)).code).toBe(ExportResultCode.FAILED);
    expect((await exportOnce(grpc, spans)).code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toHaveLength(2);

    await receiver.start();
    expect([receiver.grpcUrl, receiver.httpUrl]).toEqual(urls);
    expect((await exportOnce(http, spans)).code).toBe(ExportResultCode.SUCCESS);
    // The gRPC channel reconnects with its own backoff; the exporter may need a few attempts to get through.
    let grpcResult = await exportOnce(grpc, spans);
    for (let attempt = 0; attempt < 20 && grpcResult.code !== ExportResultCode.SUCCESS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      grpcResult = await exportOnce(grpc, spans);
    }
    expect(grpcResult.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.spans).toHaveLength(8);
    await http.shutdown();
    await grpc.shutdown();
  });
});
