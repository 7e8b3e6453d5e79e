import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLlmSpanRecorder, type LlmSpanRecorder, startSession } from '../index.js';
import { createUnsampledProvider, setupTracing } from '../test-support/otel.js';
import { spanTree } from '../testing/index.js';
import { getRegistry, rememberedCount } from './registry.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => {
  // Every test must leave nothing open behind it.
  expect(getRegistry().entries.size).toBe(0);
  expect(tracing.capture.openCount()).toBe(0);
});

const user = (content: string) => ({ role: 'user', parts: [{ type: 'text' as const, content }] });
let counter = 0;
const newKey = (prefix: string) => `${prefix}-${++counter}`;

function byName(name: string) {
  const span = tracing.spans().find((s) => s.name === name);
  if (!span)
    throw new Error(
      `no span named ${name}; have ${tracing
        .spans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  return span;
}

describe('parent resolution', () => {
  it('1. an explicit parent key wins over the active context', () => {
    const recorder = createLlmSpanRecorder();
    const chain = newKey('chain');
    recorder.startRun({ key: chain, kind: 'chain', name: 'outer' });
    tracing.tracer.startActiveSpan('app-span', (appSpan) => {
      const call = newKey('call');
      recorder.startCall({ key: call, parentKey: chain, model: 'm1' });
      recorder.endCall({ key: call });
      appSpan.end();
    });
    recorder.endRun({ key: chain });
    const outer = byName('outer.task');
    const llm = byName('m1.llm');
    expect(llm.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(llm.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it('2. without a parent key, the active OpenTelemetry span is the parent', () => {
    const recorder = createLlmSpanRecorder();
    tracing.tracer.startActiveSpan('app-span', (appSpan) => {
      const call = newKey('call');
      recorder.startCall({ key: call, model: 'm2' });
      recorder.endCall({ key: call });
      appSpan.end();
    });
    expect(byName('m2.llm').parentSpanContext?.spanId).toBe(byName('app-span').spanContext().spanId);
  });

  it('2b. an unknown parent key falls back to the active context', () => {
    const recorder = createLlmSpanRecorder();
    tracing.tracer.startActiveSpan('app-span', (appSpan) => {
      const call = newKey('call');
      recorder.startCall({ key: call, parentKey: 'never-started', model: 'm2b' });
      recorder.endCall({ key: call });
      appSpan.end();
    });
    expect(byName('m2b.llm').parentSpanContext?.spanId).toBe(byName('app-span').spanContext().spanId);
  });

  it('2c. an explicit parent context is used instead of the active one (background callbacks)', () => {
    const recorder = createLlmSpanRecorder();
    let captured = context.active();
    tracing.tracer.startActiveSpan('request', (span) => {
      captured = context.active();
      span.end();
    });
    const call = newKey('call');
    recorder.startCall({ key: call, model: 'm2c', parentContext: captured });
    recorder.endCall({ key: call });
    expect(byName('m2c.llm').parentSpanContext?.spanId).toBe(byName('request').spanContext().spanId);
  });

  it('3. with no active span, the current session is the parent', () => {
    const recorder = createLlmSpanRecorder();
    const session = startSession({ name: 'chat', tags: ['a'] });
    const call = newKey('call');
    recorder.startCall({ key: call, model: 'm3' });
    recorder.endCall({ key: call });
    session.end();
    const sessionSpan = byName('chat.session');
    expect(byName('m3.llm').parentSpanContext?.spanId).toBe(sessionSpan.spanContext().spanId);
    expect(byName('m3.llm').attributes['session.id']).toBe(session.sessionId);
  });

  it('4. with nothing at all, the span is a root', () => {
    const recorder = createLlmSpanRecorder();
    const call = newKey('call');
    recorder.startCall({ key: call, model: 'm4' });
    recorder.endCall({ key: call });
    expect(byName('m4.llm').parentSpanContext).toBeUndefined();
  });
});

describe('exactly-once end', () => {
  it('counts and ignores duplicate and late end events', () => {
    const recorder = createLlmSpanRecorder();
    const key = newKey('dup');
    recorder.startCall({ key, model: 'dup' });
    recorder.endCall({ key, usage: { inputTokens: 1, outputTokens: 2 } });
    recorder.endCall({ key, usage: { inputTokens: 99, outputTokens: 99 } });
    recorder.failCall({ key, error: new Error('late') });
    recorder.startCall({ key, model: 'dup-again' });
    expect(tracing.spans()).toHaveLength(1);
    expect(byName('dup.llm').attributes['gen_ai.usage.input_tokens']).toBe(1);
    expect(byName('dup.llm').status.code).toBe(0);
    expect(recorder.stats()).toMatchObject({ started: 1, ended: 1, duplicates: 3, inFlight: 0 });
    expect(recorder.hasEnded(key)).toBe(true);
  });

  it('handles end exactly once; with uniqueKeys, ended keys are not remembered', () => {
    const recorder = createLlmSpanRecorder({ uniqueKeys: true });
    const remembered = rememberedCount(getRegistry());
    const key = newKey('unique');
    const call = recorder.startCall({ key, model: 'unique' });
    call.end({ usage: { inputTokens: 3, outputTokens: 4 } });
    call.end({ usage: { inputTokens: 99, outputTokens: 99 } });
    call.fail({ error: new Error('late') });
    expect(tracing.spans()).toHaveLength(1);
    expect(byName('unique.llm').attributes['gen_ai.usage.output_tokens']).toBe(4);
    expect(recorder.stats()).toMatchObject({ started: 1, ended: 1, duplicates: 2, inFlight: 0 });
    expect(rememberedCount(getRegistry())).toBe(remembered);
    expect(recorder.hasEnded(key)).toBe(false);
  });

  it('counts end events for keys never started', () => {
    const recorder = createLlmSpanRecorder();
    recorder.endCall({ key: 'ghost' });
    recorder.failRun({ key: 'ghost-run' });
    expect(recorder.stats().unknownKeys).toBe(2);
    expect(tracing.spans()).toHaveLength(0);
  });

  it('never ends a session by key: only its handle does', () => {
    const recorder = createLlmSpanRecorder();
    const session = startSession({ name: 'by-key' });
    const sessionKey = getRegistry().sessions.at(-1)?.key ?? '';
    expect(sessionKey).not.toBe('');
    recorder.endRun({ key: sessionKey });
    recorder.endCall({ key: sessionKey });
    expect(recorder.stats().unknownKeys).toBe(2);
    expect(tracing.spans()).toHaveLength(0);
    session.end();
    expect(byName('by-key.session').attributes['agentops.session.end_state']).toBe('Success');
  });

  it('merges end events that arrive within the merge window, keeping the first end time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const recorder = createLlmSpanRecorder();
      const key = newKey('merge');
      const start = new Date(Date.now() - 2000);
      const end = new Date(Date.now() - 500);
      recorder.startCall({ key, model: 'merged', startTime: start });
      recorder.endCall({ key, endTime: end, usage: { inputTokens: 5 } }, { mergeWindowMs: 1000 });
      expect(recorder.isOpen(key)).toBe(true);
      vi.advanceTimersByTime(200);
      recorder.endCall({ key, cost: 0.0042, usage: { inputTokens: 7, outputTokens: 3 } }, { mergeWindowMs: 1000 });
      vi.advanceTimersByTime(1000);
      recorder.endCall({ key, cost: 1 }, { mergeWindowMs: 1000 });
      const span = byName('merged.llm');
      expect(span.attributes['gen_ai.usage.total_cost']).toBe(0.0042);
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(5);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
      expect(span.endTime[0] * 1000 + span.endTime[1] / 1e6).toBeCloseTo(end.getTime(), 0);
      expect(span.startTime[0] * 1000 + span.startTime[1] / 1e6).toBeCloseTo(start.getTime(), 0);
      expect(recorder.stats().duplicates).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('bounded state', () => {
  it('ends idle entries after the TTL, as incomplete with the reason', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const recorder = createLlmSpanRecorder({ inFlight: { ttlMs: 60_000 } });
      const stream = newKey('abandoned');
      const handle = recorder.startCall({ key: stream, model: 'abandoned', stream: true });
      const quick = newKey('quick');
      recorder.startCall({ key: quick, model: 'quick', idleTimeoutMs: 1_000 });
      handle.chunk();
      vi.advanceTimersByTime(1_500);
      expect(recorder.isOpen(quick)).toBe(false);
      expect(recorder.isOpen(stream)).toBe(true);
      vi.advanceTimersByTime(30_000);
      handle.chunk(); // activity pushes the deadline
      vi.advanceTimersByTime(45_000);
      expect(recorder.isOpen(stream)).toBe(true);
      vi.advanceTimersByTime(20_000);
      expect(recorder.isOpen(stream)).toBe(false);
      const span = byName('abandoned.llm');
      expect(span.attributes).toMatchObject({
        'agentops.span.incomplete': true,
        'agentops.span.incomplete_reason': 'expired',
        'gen_ai.streaming.chunk_count': 2,
      });
      expect(byName('quick.llm').attributes['agentops.span.incomplete_reason']).toBe('expired');
      expect(recorder.stats()).toMatchObject({ expired: 2, inFlight: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('evicts the oldest entry beyond the capacity', () => {
    const recorder = createLlmSpanRecorder({ inFlight: { maxEntries: 3 } });
    const keys = [1, 2, 3, 4].map(() => newKey('cap'));
    for (const [i, key] of keys.entries()) recorder.startCall({ key, model: `cap${i}` });
    expect(recorder.isOpen(keys[0] as string)).toBe(false);
    expect(byName('cap0.llm').attributes['agentops.span.incomplete_reason']).toBe('evicted');
    expect(recorder.stats()).toMatchObject({ evicted: 1, inFlight: 3 });
    recorder.endAll('test');
    expect(tracing.spans().filter((s) => s.attributes['agentops.span.incomplete_reason'] === 'test')).toHaveLength(3);
  });

  it('always evicts the oldest open entry of its own recorder, whatever ended or started in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ owner: fc.integer({ min: 0, max: 1 }), end: fc.nat(6) }), { minLength: 1, maxLength: 60 }),
        (steps) => {
          const recorders = [0, 1].map(() => createLlmSpanRecorder({ inFlight: { maxEntries: 3 } }));
          // The model: each recorder's open keys, oldest first.
          const open: string[][] = [[], []];
          for (const { owner, end } of steps) {
            const recorder = recorders[owner] as LlmSpanRecorder;
            const mine = open[owner] as string[];
            if (end < 2 && mine.length > 0) {
              // End one of the open calls (not necessarily the oldest).
              const [key] = mine.splice(end % mine.length, 1);
              recorder.endCall({ key: key as string });
            } else {
              const key = newKey(`evict${owner}`);
              if (end % 2 === 0) recorder.startCall({ key, model: 'm' });
              else recorder.startRun({ key, kind: 'chain', name: 'c' });
              mine.push(key);
              if (mine.length > 3) mine.shift();
            }
            for (const [i, keys] of open.entries()) {
              expect(recorders[i]?.stats().inFlight).toBe(keys.length);
              for (const key of keys) expect(recorders[i]?.isOpen(key)).toBe(true);
            }
          }
          for (const recorder of recorders) recorder.endAll('test');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lets go of its eviction cursor once evictions stop (a Map iterator keeps the table it walks alive)', () => {
    const recorder = createLlmSpanRecorder({ inFlight: { maxEntries: 4 } });
    const keys = Array.from({ length: 10 }, () => newKey('cursor'));
    for (const key of keys) recorder.startCall({ key, model: 'm' });
    const owner = getRegistry().entries.get(keys.at(-1) as string)?.owner;
    expect(owner?.evicted).toBe(6);
    expect(owner?.evictionCursor).toBeDefined();
    for (const key of keys.slice(6, 8)) recorder.endCall({ key });
    expect(owner?.evictionCursor).toBeDefined();
    recorder.endCall({ key: keys[8] as string });
    expect(owner?.evictionCursor).toBeUndefined();
    recorder.endAll('test');
  });

  it('ending a root ends its open descendants; a middle run hands its children up', () => {
    const recorder = createLlmSpanRecorder();
    const root = newKey('root');
    const middle = newKey('middle');
    const llm = newKey('llm');
    const tool = newKey('tool');
    recorder.startRun({ key: root, kind: 'agent', name: 'planner' });
    recorder.startRun({ key: middle, kind: 'chain', name: 'step', parentKey: root });
    recorder.startCall({ key: llm, model: 'inner', parentKey: middle });
    recorder.startRun({ key: tool, kind: 'tool', name: 'search', parentKey: middle });
    recorder.endRun({ key: middle });
    expect(recorder.isOpen(llm)).toBe(true);
    recorder.endRun({ key: root, output: 'done' });
    expect(recorder.stats().inFlight).toBe(0);
    const tree = spanTree(tracing.spans(), { attributes: ['agentops.span.incomplete_reason'] });
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({
      name: 'planner.agent',
      children: [
        {
          name: 'step.task',
          children: [
            { name: 'inner.llm', attributes: { 'agentops.span.incomplete_reason': 'parent_ended' } },
            { name: 'search.tool', attributes: { 'agentops.span.incomplete_reason': 'parent_ended' } },
          ],
        },
      ],
    });
  });

  it('10,000 interleaved concurrent keys leave zero in-flight entries', async () => {
    const recorder = createLlmSpanRecorder();
    const total = 10_000;
    const keys = Array.from({ length: total }, (_, i) => `bulk-${counter}-${i}`);
    await Promise.all(
      keys.map(async (key, i) => {
        if (i % 3 === 0) recorder.startRun({ key, kind: 'tool', name: 'tool' });
        else recorder.startCall({ key, model: 'bulk', stream: i % 2 === 0 });
        await new Promise((resolve) => setTimeout(resolve, i % 7));
        recorder.recordChunk(key);
        await Promise.resolve();
        if (i % 3 === 0) recorder.endRun({ key });
        else if (i % 5 === 0) recorder.failCall({ key, error: new Error('boom') });
        else recorder.endCall({ key });
        if (i % 11 === 0) recorder.endCall({ key }); // duplicate
      }),
    );
    const stats = recorder.stats();
    expect(stats).toMatchObject({ inFlight: 0, started: total, ended: total });
    expect(stats.duplicates).toBe(Math.ceil(total / 11));
    expect(tracing.spans()).toHaveLength(total);
  });

  it('remembers between 10,000 and 20,000 ended keys: the newest are recognized as duplicates', () => {
    const recorder = createLlmSpanRecorder();
    const keys = Array.from({ length: 25_000 }, () => newKey('remembered'));
    for (const key of keys) {
      recorder.startCall({ key, model: 'remembered' });
      recorder.endCall({ key });
    }
    tracing.reset();
    const remembered = rememberedCount(getRegistry());
    expect(remembered).toBeGreaterThanOrEqual(10_000);
    expect(remembered).toBeLessThan(20_000);
    // The last 10,000 are always remembered; the first 5,000 were dropped with their generation.
    for (const key of [keys[24_999], keys[15_000]] as string[]) expect(recorder.hasEnded(key)).toBe(true);
    expect(recorder.hasEnded(keys[0] as string)).toBe(false);
    recorder.startCall({ key: keys[24_999] as string, model: 'late duplicate' });
    expect(recorder.stats().duplicates).toBe(1);
    expect(tracing.spans()).toHaveLength(0);
  });
});

describe('OpenTelemetry manners', () => {
  it('does no mapping for spans that are not sampled, and still ends them', () => {
    const provider = createUnsampledProvider();
    const recorder = createLlmSpanRecorder({ tracerProvider: provider });
    const key = newKey('unsampled');
    const messages = [user('x')];
    const spy = vi.spyOn(messages, 'slice');
    recorder.startCall({ key, model: 'unsampled', messages });
    recorder.endCall({ key });
    expect(recorder.stats()).toMatchObject({ started: 1, ended: 1, inFlight: 0 });
    expect(spy).not.toHaveBeenCalled(); // not even the copy at start
  });

  it('records nothing under suppressTracing', () => {
    const recorder = createLlmSpanRecorder();
    const suppressKey = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
    const suppressed = context.active().setValue(suppressKey, true);
    context.with(suppressed, () => {
      const handle = recorder.startCall({ key: newKey('suppressed'), model: 'suppressed' });
      handle.chunk();
      handle.end();
    });
    expect(tracing.spans()).toHaveLength(0);
    expect(recorder.stats().started).toBe(0);
  });

  it('is inert when disabled by option or environment', () => {
    vi.stubEnv('AGENTOPS_DISABLED', 'true');
    try {
      const recorder = createLlmSpanRecorder();
      recorder.startCall({ key: newKey('off'), model: 'off' }).end();
      const session = startSession({ name: 'off' });
      session.end();
      expect(tracing.spans()).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
    const recorder = createLlmSpanRecorder({ disabled: true });
    recorder.startRun({ key: newKey('off'), kind: 'tool', name: 'off' });
    expect(recorder.stats().started).toBe(0);
  });

  it('calls enrichSpan before the end, and survives it throwing', () => {
    const seen: string[] = [];
    const recorder = createLlmSpanRecorder({
      enrichSpan(span, event) {
        seen.push(`${event.name}:${event.kind}`);
        span.setAttribute('app.tenant', 'acme');
        if (event.kind === 'tool') throw new Error('hook bug');
      },
    });
    const call = newKey('enrich');
    recorder.startCall({ key: call, model: 'enriched' });
    recorder.failCall({ key: call, error: new Error('x') });
    const tool = newKey('enrich-tool');
    recorder.startRun({ key: tool, kind: 'tool', name: 'hooked' });
    recorder.endRun({ key: tool });
    expect(seen).toEqual(['call.error:llm', 'run.end:tool']);
    expect(byName('enriched.llm').attributes['app.tenant']).toBe('acme');
    expect(byName('hooked.tool').attributes['app.tenant']).toBe('acme');
  });

  it('gives user code the span of a key as the active context', () => {
    const recorder = createLlmSpanRecorder();
    const tool = newKey('ctx-tool');
    recorder.startRun({ key: tool, kind: 'tool', name: 'weather' });
    const ctx = recorder.contextFor(tool);
    expect(ctx).toBeDefined();
    // The context is made on first use, and the same one is handed out again.
    expect(recorder.contextFor(tool)).toBe(ctx);
    context.with(ctx ?? context.active(), () => {
      tracing.tracer.startSpan('http GET').end();
      // A call started in it nests under the run, and belongs to it: ending the run ends the call.
      recorder.startCall({ key: `${tool}-call`, model: 'inner' });
    });
    recorder.endRun({ key: tool });
    expect(recorder.contextFor(tool)).toBeUndefined();
    expect(byName('http GET').parentSpanContext?.spanId).toBe(byName('weather.tool').spanContext().spanId);
    expect(byName('inner.llm').parentSpanContext?.spanId).toBe(byName('weather.tool').spanContext().spanId);
    expect(byName('inner.llm').attributes['agentops.span.incomplete_reason']).toBe('parent_ended');
  });

  it("an entry's context behaves as the API's contexts do: values set, deleted and inherited", () => {
    const recorder = createLlmSpanRecorder();
    const key = newKey('ctx-values');
    const appKey = createContextKey('app value');
    const otherKey = createContextKey('other value');
    context.with(context.active().setValue(appKey, 'from the app'), () =>
      recorder.startRun({ key, kind: 'chain', name: 'values' }),
    );
    const ctx = recorder.contextFor(key) ?? ROOT_CONTEXT;
    expect(ctx.getValue(appKey)).toBe('from the app');
    const set = ctx.setValue(otherKey, 42);
    expect(set.getValue(otherKey)).toBe(42);
    expect(set.getValue(appKey)).toBe('from the app');
    expect(ctx.getValue(otherKey)).toBeUndefined();
    expect(set.deleteValue(appKey).getValue(appKey)).toBeUndefined();
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
    // Contexts derived over and over (other instrumentation in a loop) stay flat: no chain to walk.
    let derived = ctx;
    for (let i = 0; i < 100_000; i++) derived = derived.setValue(otherKey, i);
    expect(derived.getValue(otherKey)).toBe(99_999);
    expect(trace.getSpan(derived)).toBe(trace.getSpan(ctx));
    recorder.endRun({ key });
    expect(trace.getSpan(ctx)?.spanContext().spanId).toBe(byName('values.task').spanContext().spanId);
  });

  it('keeps one registry on a global symbol, shared by every copy of the core', () => {
    const holder = globalThis as Record<symbol, unknown>;
    expect(holder[Symbol.for('@agentops/llm-callback-core/registry@2')]).toBe(getRegistry());
  });

  it('records errors with type, message, status code, retries and the exception event', () => {
    const recorder = createLlmSpanRecorder();
    const key = newKey('err');
    recorder.startCall({ key, model: 'erring' });
    const error = Object.assign(new Error('Rate limit reached for key sk-proj-ABCDEFGHIJKLMNOPQRSTUV1234'), {
      name: 'RateLimitError',
      status: 429,
      code: 'rate_limit_exceeded',
    });
    recorder.failCall({ key, error, retry: { attempt: 2, maxRetries: 3 } });
    const span = byName('erring.llm');
    expect(span.status).toMatchObject({ code: 2 });
    expect(span.status.message).toContain('RateLimitError');
    expect(span.status.message).not.toContain('sk-proj-');
    expect(span.attributes).toMatchObject({
      'error.type': 'RateLimitError',
      'http.response.status_code': 429,
      'error.code': 'rate_limit_exceeded',
      'agentops.retry.attempt': 2,
      'agentops.retry.max_retries': 3,
    });
    expect(span.events[0]?.name).toBe('exception');
    expect(JSON.stringify(span.events)).not.toContain('sk-proj-');
  });

  it('keeps the trace of the caller when spans are made in another async context', async () => {
    const recorder = createLlmSpanRecorder();
    const key = newKey('async');
    await tracing.tracer.startActiveSpan('outer', async (outer) => {
      recorder.startCall({ key, model: 'later' });
      outer.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 1));
    recorder.endCall({ key });
    expect(byName('later.llm').parentSpanContext?.spanId).toBe(byName('outer').spanContext().spanId);
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});

describe('adapter conveniences', () => {
  it('touch keeps a call alive without counting a chunk; snapshot supplies partial output on expiry', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const recorder = createLlmSpanRecorder();
      const key = newKey('touched');
      let text = '';
      const handle = recorder.startCall({
        key,
        model: 'pinged',
        idleTimeoutMs: 1_000,
        snapshot: () => ({ outputs: [{ role: 'assistant', parts: [{ type: 'text', content: text }] }] }),
      });
      handle.chunk();
      text = 'partial answ';
      vi.advanceTimersByTime(800);
      handle.touch();
      vi.advanceTimersByTime(800);
      recorder.touch(key);
      vi.advanceTimersByTime(800);
      expect(recorder.isOpen(key)).toBe(true);
      vi.advanceTimersByTime(1_500);
      expect(recorder.isOpen(key)).toBe(false);
      expect(byName('pinged.llm').attributes).toMatchObject({
        'gen_ai.streaming.chunk_count': 1,
        'gen_ai.request.stream': true,
        'gen_ai.completion.0.content': 'partial answ',
        'agentops.span.incomplete_reason': 'expired',
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes a run input that is only known at the end, and records estimated usage and retryable errors', () => {
    const recorder = createLlmSpanRecorder();
    recorder.startRun({ key: 'late', kind: 'chain', name: 'streamed' });
    recorder.endRun({ key: 'late', input: { question: 'q' }, output: 'a' });
    recorder.startCall({ key: 'est', model: 'estimated' });
    recorder.endCall({ key: 'est', usage: { inputTokens: 3, estimated: true } });
    recorder.startCall({ key: 'retry', model: 'retryable' });
    recorder.failCall({ key: 'retry', error: Object.assign(new Error('overloaded'), { isRetryable: true }) });
    expect(byName('streamed.task').attributes['agentops.entity.input']).toBe('{"question":"q"}');
    expect(byName('estimated.llm').attributes['agentops.usage.estimated']).toBe(true);
    expect(byName('retryable.llm').attributes['agentops.error.retryable']).toBe(true);
  });

  it('encodes raw blob bytes only when content is recorded', () => {
    const recorder = createLlmSpanRecorder({ semconv: { genaiLatest: true } });
    const bytes = new Uint8Array([137, 80, 78, 71]);
    recorder
      .startCall({
        key: 'blob',
        model: 'vision',
        messages: [
          { role: 'user', parts: [{ type: 'blob', modality: 'image', mimeType: 'image/png', content: bytes }] },
        ],
      })
      .end();
    const input = JSON.parse(String(byName('vision.llm').attributes['gen_ai.input.messages']));
    expect(input[0].parts[0]).toEqual({ type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw==' });
  });
});

describe('lazy messages', () => {
  it('builds the messages only when content is recorded, once, and survives a builder that throws', () => {
    let built = 0;
    const build = () => {
      built++;
      return [user('lazy question')];
    };
    createLlmSpanRecorder({ captureContent: false })
      .startCall({ key: 'lazy-off', model: 'lazy-off', buildMessages: build })
      .end();
    expect(built).toBe(0);
    createLlmSpanRecorder().startCall({ key: 'lazy-on', model: 'lazy-on', buildMessages: build }).end();
    expect(built).toBe(1);
    expect(byName('lazy-on.llm').attributes['gen_ai.prompt.0.content']).toBe('lazy question');
    const failing = () => {
      throw new Error('builder bug');
    };
    createLlmSpanRecorder().startCall({ key: 'lazy-bad', model: 'lazy-bad', buildMessages: failing }).end();
    expect(byName('lazy-bad.llm').attributes['gen_ai.prompt.0.role']).toBeUndefined();
  });
});

describe('long runs', () => {
  it('a run with open children does not expire; it can once they have ended', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const ended: string[] = [];
      const recorder = createLlmSpanRecorder({ inFlight: { ttlMs: 10_000 }, onEntryEnd: (key) => ended.push(key) });
      recorder.startRun({ key: 'long-agent', kind: 'agent', name: 'long' });
      const call = recorder.startCall({ key: 'long-llm', parentKey: 'long-agent', model: 'slow' });
      for (let i = 0; i < 6; i++) {
        vi.advanceTimersByTime(5_000);
        call.chunk();
      }
      expect(recorder.isOpen('long-agent')).toBe(true);
      call.end();
      vi.advanceTimersByTime(12_000);
      expect(recorder.isOpen('long-agent')).toBe(false);
      expect(byName('long.agent').attributes['agentops.span.incomplete_reason']).toBe('expired');
      expect(byName('slow.llm').attributes['agentops.span.incomplete']).toBeUndefined();
      expect(ended).toEqual(['long-llm', 'long-agent']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads nested provider error codes and infers retryable from the HTTP status', () => {
    const recorder = createLlmSpanRecorder();
    recorder.startCall({ key: 'nested-err', model: 'nested' });
    recorder.failCall({
      key: 'nested-err',
      error: Object.assign(new Error('slow down'), { status: 429, error: { code: 'rate_limit_exceeded' } }),
    });
    recorder.startRun({ key: 'run-err', kind: 'chain', name: 'streamed-fail' });
    recorder.failRun({ key: 'run-err', input: { q: 1 }, error: Object.assign(new Error('bad'), { status: 400 }) });
    expect(byName('nested.llm').attributes).toMatchObject({
      'error.code': 'rate_limit_exceeded',
      'agentops.error.retryable': true,
    });
    expect(byName('streamed-fail.task').attributes).toMatchObject({
      'agentops.error.retryable': false,
      'agentops.entity.input': '{"q":1}',
    });
  });
});
