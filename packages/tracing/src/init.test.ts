import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, DiagConsoleLogger, DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureDiag, type DiagCapture } from '../test/helpers/diag-capture.js';
import { exitHooksInstalled, sigtermHandled } from './exit-hooks.js';
import { isOtelGlobalRegistered } from './globals.js';
import {
  DEFAULT_ATTRIBUTE_COUNT_LIMIT,
  init,
  resolveExporters,
  resolveSpanLimits,
  type TracingHandle,
} from './init.js';
import { resetWarnings } from './log.js';
import type { SpanRecord } from './span-json.js';

let logs: DiagCapture;
const handles: TracingHandle[] = [];
let dir: string;

function start(options: Parameters<typeof init>[0] = {}): TracingHandle {
  const handle = init({ exitHooks: false, ...options });
  handles.push(handle);
  return handle;
}

beforeEach(async () => {
  resetWarnings();
  logs = captureDiag();
  vi.stubEnv('AGENTOPS_API_KEY', '');
  vi.stubEnv('AGENTOPS_EXPORTERS', '');
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
  vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
  dir = await mkdtemp(join(tmpdir(), 'agentops-tracing-'));
});

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.shutdown();
  logs.restore();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  trace.disable();
  await rm(dir, { recursive: true, force: true });
});

/** session → agent → (llm, tool), with fixed durations. */
function agentTrace(): void {
  const tracer = trace.getTracer('init-test');
  const t = 1_735_689_600_000;
  tracer.startActiveSpan(
    'demo.session',
    { startTime: t, attributes: { 'agentops.span.kind': 'session' } },
    (session) => {
      tracer.startActiveSpan(
        'planner.agent',
        { startTime: t + 10, attributes: { 'agentops.span.kind': 'agent' } },
        (agent) => {
          tracer
            .startSpan('gpt-4o.llm', {
              startTime: t + 20,
              attributes: {
                'agentops.span.kind': 'llm',
                'gen_ai.request.model': 'gpt-4o',
                'gen_ai.usage.prompt_tokens': 300,
                'gen_ai.usage.completion_tokens': 40,
                'gen_ai.usage.total_cost': 0.0021,
              },
            })
            .end(t + 520);
          tracer
            .startSpan('lookup.tool', { startTime: t + 530, attributes: { 'agentops.span.kind': 'tool' } })
            .end(t + 730);
          agent.end(t + 740);
        },
      );
      session.setAttribute('agentops.session.end_state', 'Success');
      session.end(t + 800);
    },
  );
}

describe('console waterfall', () => {
  it('prints the trace when its root ends', () => {
    const output: string[] = [];
    start({ exporters: ['console'], console: { write: (text) => output.push(text), barWidth: 16 } });
    agentTrace();
    expect(output).toHaveLength(1);
    const text = output[0]!.replace(/trace [0-9a-f]{32}/, 'trace <id>');
    expect(text).toMatchInlineSnapshot(`
      "
      AgentOps trace <id> · 800 ms · 4 spans · 1 LLM call · 340 tokens (300 in, 40 out) · $0.0021
      demo.session       800 ms  ▕████████████████▏  Success
      └─ planner.agent   730 ms  ▕███████████████ ▏
         ├─ gpt-4o.llm   500 ms  ▕███████████     ▏  gpt-4o · 300→40 tok · $0.0021
         └─ lookup.tool  200 ms  ▕          █████ ▏
      "
    `);
  });

  it('prints traces whose root is still open on flush', async () => {
    const output: string[] = [];
    const tracing = start({ console: { write: (text) => output.push(text) } });
    expect(tracing.exporters).toEqual(['console']);
    const tracer = trace.getTracer('init-test');
    const root = tracer.startSpan('open.session');
    tracer.startSpan('child.llm', {}, trace.setSpan(context.active(), root)).end();
    expect(output).toEqual([]);
    await tracing.flush();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('child.llm');
    root.end();
  });
});

describe('file output', () => {
  it('writes one JSON span per line with ids, times, attributes, status, events and resource', async () => {
    const path = join(dir, 'nested', 'spans.jsonl');
    const tracing = start({ file: path, serviceName: 'file-svc' });
    expect(tracing.exporters).toEqual(['file']);
    agentTrace();
    const tracer = trace.getTracer('init-test');
    const failing = tracer.startSpan('broken.tool');
    failing.addEvent('retry', { attempt: 2 });
    failing.setStatus({ code: 2, message: 'boom' });
    failing.end();
    await tracing.flush();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const records = lines.map((line) => JSON.parse(line) as SpanRecord);
    const byName = new Map(records.map((r) => [r.name, r]));
    const session = byName.get('demo.session')!;
    const llm = byName.get('gpt-4o.llm')!;
    const agent = byName.get('planner.agent')!;
    expect(session.parentSpanId).toBeUndefined();
    expect(agent.parentSpanId).toBe(session.spanId);
    expect(llm.parentSpanId).toBe(agent.spanId);
    expect(llm.traceId).toBe(session.traceId);
    expect(llm).toMatchObject({
      kind: 'INTERNAL',
      startTime: '2025-01-01T00:00:00.020Z',
      startTimeUnixNano: '1735689600020000000',
      endTime: '2025-01-01T00:00:00.520Z',
      endTimeUnixNano: '1735689600520000000',
      durationMs: 500,
      attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 300 },
      status: { code: 'UNSET' },
      resource: { 'service.name': 'file-svc', 'agentops.sdk.name': '@agentops/tracing' },
      scope: { name: 'init-test' },
    });
    const broken = byName.get('broken.tool')!;
    expect(broken.status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(broken.events).toHaveLength(1);
    expect(broken.events[0]).toMatchObject({ name: 'retry', attributes: { attempt: 2 } });
    expect(broken.events[0]!.timeUnixNano).toMatch(/^\d{19}$/);
  });
});

describe('init()', () => {
  it('registers its provider, an AsyncLocalStorage context manager and propagators', async () => {
    const memory = new InMemorySpanExporter();
    const tracing = start({ exporters: [], spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    expect(tracing).toMatchObject({ enabled: true, registered: true, exporters: [] });
    expect(isOtelGlobalRegistered('context')).toBe(true);
    const tracer = trace.getTracer('ctx');
    await tracer.startActiveSpan('outer', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan('inner').end();
      outer.end();
    });
    const [inner, outer] = memory.getFinishedSpans();
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it('keeps the attributes of an LLM span with a long conversation (1024, not the SDK default of 128)', () => {
    const memory = new InMemorySpanExporter();
    const tracing = start({ exporters: [], spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    const attributes: Record<string, string> = {};
    // 200 messages (role + content each), then the completion: the attributes an adapter writes last.
    for (let i = 0; i < 200; i++) {
      attributes[`gen_ai.prompt.${i}.role`] = 'user';
      attributes[`gen_ai.prompt.${i}.content`] = `message ${i}`;
    }
    attributes['gen_ai.completion.0.content'] = 'the answer';
    tracing.provider.getTracer('limits').startSpan('gpt-4o.llm', { attributes }).end();
    const [span] = memory.getFinishedSpans();
    expect(Object.keys(span!.attributes)).toHaveLength(401);
    expect(span!.attributes['gen_ai.completion.0.content']).toBe('the answer');
  });

  it('takes the attribute count limit from the option, then OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', () => {
    expect(resolveSpanLimits()).toEqual({ attributeCountLimit: DEFAULT_ATTRIBUTE_COUNT_LIMIT });
    expect(resolveSpanLimits({ attributeCountLimit: 64, eventCountLimit: 10 })).toEqual({
      attributeCountLimit: 64,
      eventCountLimit: 10,
    });
    vi.stubEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', '2000');
    expect(resolveSpanLimits()).toEqual({ attributeCountLimit: 2000 });
    const memory = new InMemorySpanExporter();
    const tracing = start({
      exporters: [],
      spanLimits: { attributeCountLimit: 3 },
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    });
    tracing.provider
      .getTracer('limits')
      .startSpan('s', { attributes: { a: 1, b: 2, c: 3, d: 4 } })
      .end();
    expect(Object.keys(memory.getFinishedSpans()[0]!.attributes)).toEqual(['a', 'b', 'c']);
  });

  it('leaves an existing global provider alone and says so once', () => {
    const memory = new InMemorySpanExporter();
    const appProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    trace.setGlobalTracerProvider(appProvider);

    const first = start({ exporters: ['console'], console: { write: () => undefined } });
    const second = start({ exporters: ['console'], console: { write: () => undefined } });
    expect(first.registered).toBe(false);
    expect(second.registered).toBe(false);
    const warnings = logs.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('a global tracer provider is already registered, so init() left it alone');
    expect(warnings[0]).toContain('createAgentOpsSpanProcessor()');

    trace.getTracer('app').startSpan('app-span').end();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['app-span']);
    // The handle's own provider still works for callers that pass it explicitly.
    expect(first.provider.getTracer('x').startSpan('y').isRecording()).toBe(true);
  });

  it('returns the live handle when called twice', () => {
    const first = start({ exporters: [] });
    const second = start({ exporters: ['console'] });
    expect(second).toBe(first);
    expect(logs.warnings()[0]).toContain('init() was already called');
  });

  it.each([
    ['AGENTOPS_DISABLED', 'true'],
    ['OTEL_SDK_DISABLED', 'true'],
  ])('returns a no-op handle when %s=%s', async (name, value) => {
    vi.stubEnv(name, value);
    const tracing = start({ exporters: ['console'] });
    expect(tracing).toMatchObject({ enabled: false, registered: false, exporters: [] });
    expect(isOtelGlobalRegistered('trace')).toBe(false);
    expect(tracing.provider.getTracer('x').startSpan('y').isRecording()).toBe(false);
    await tracing.flush();
    expect(tracing.exportStats()).toMatchObject({ exported: 0, dropped: 0 });
  });

  it('routes diag to the console with AGENTOPS_LOG_LEVEL=debug', () => {
    logs.restore();
    vi.stubEnv('AGENTOPS_LOG_LEVEL', 'debug');
    const setLogger = vi.spyOn(diag, 'setLogger').mockImplementation(() => true);
    start({ exporters: [] });
    expect(setLogger).toHaveBeenCalledTimes(1);
    const [logger, options] = setLogger.mock.calls[0]!;
    expect(logger).toBeInstanceOf(DiagConsoleLogger);
    expect(options).toMatchObject({ logLevel: DiagLogLevel.DEBUG });
  });

  it('leaves diag alone without AGENTOPS_LOG_LEVEL', () => {
    const setLogger = vi.spyOn(diag, 'setLogger');
    start({ exporters: [] });
    expect(setLogger).not.toHaveBeenCalled();
  });

  it('writes user-facing warnings to console.warn when no diag logger is registered', () => {
    logs.restore();
    const warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    start({ exporters: ['agentops'] });
    expect(warnSpy).toHaveBeenCalledTimes(1);
    expect(String(warnSpy.mock.calls[0]![0])).toContain('no AgentOps API key');
  });

  it('unregisters its provider on shutdown, so init() can run again', async () => {
    const first = start({ exporters: [] });
    await first.shutdown();
    expect(isOtelGlobalRegistered('trace')).toBe(false);
    const second = start({ exporters: [] });
    expect(second).not.toBe(first);
    expect(second.registered).toBe(true);
  });
});

describe('resolveExporters', () => {
  it('uses the option, then AGENTOPS_EXPORTERS, then what is configured', () => {
    expect(resolveExporters({ exporters: ['file', 'console', 'file'] })).toEqual(['file', 'console']);
    expect(resolveExporters({})).toEqual(['agentops']);
    expect(resolveExporters({ apiKey: 'k', console: true, file: 'x.jsonl' })).toEqual(['agentops', 'console', 'file']);
    expect(resolveExporters({ otlp: {} })).toEqual(['otlp']);
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://collector:4317');
    vi.stubEnv('AGENTOPS_API_KEY', 'k');
    expect(resolveExporters({})).toEqual(['agentops', 'otlp']);
    vi.stubEnv('AGENTOPS_EXPORTERS', 'console, nope,none');
    expect(resolveExporters({})).toEqual(['console']);
    expect(logs.warnings()[0]).toContain('unknown exporter "nope" in AGENTOPS_EXPORTERS');
  });
});

describe('exit hooks', () => {
  it('registers the process listeners once, flushes on beforeExit and removes them on shutdown', async () => {
    const beforeExit = process.listenerCount('beforeExit');
    const sigterm = process.listenerCount('SIGTERM');
    const path = join(dir, 'exit.jsonl');
    const a = start({ exporters: ['file'], file: path, exitHooks: true });
    const b = start({ exporters: [], registerGlobal: false, exitHooks: true });
    expect(process.listenerCount('beforeExit')).toBe(beforeExit + 1);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm + 1);

    trace.getTracer('exit').startSpan('at-exit').end();
    process.emit('beforeExit', 0);
    await vi.waitFor(async () => expect(await readFile(path, 'utf8').catch(() => '')).toContain('"at-exit"'));

    await a.shutdown();
    expect(exitHooksInstalled()).toBe(true);
    await b.shutdown();
    expect(exitHooksInstalled()).toBe(false);
    expect(process.listenerCount('beforeExit')).toBe(beforeExit);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
  });

  it('shuts down on SIGTERM and leaves terminating to the app when it has its own listener', async () => {
    const appListener = vi.fn();
    process.on('SIGTERM', appListener);
    try {
      const path = join(dir, 'sigterm.jsonl');
      start({ exporters: ['file'], file: path, exitHooks: true });
      trace.getTracer('exit').startSpan('at-sigterm').end();
      process.emit('SIGTERM');
      await sigtermHandled();
      expect(exitHooksInstalled()).toBe(false);
      expect(await readFile(path, 'utf8')).toContain('"at-sigterm"');
      expect(appListener).toHaveBeenCalledTimes(1);
      expect(isOtelGlobalRegistered('trace')).toBe(false);
    } finally {
      process.off('SIGTERM', appListener);
    }
  });
});
