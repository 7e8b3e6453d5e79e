import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmSpanRecorder, getCurrentSession, startSession, withSession } from './index.js';
import { getRegistry } from './lifecycle/registry.js';
import { setupTracing } from './test-support/otel.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => expect(getRegistry().entries.size).toBe(0));

const named = (name: string) => tracing.spans().find((span) => span.name === name);

describe('sessions', () => {
  it('starts a new trace linked to the active span, and is the earliest span of its trace with agentops.tags', () => {
    const recorder = createLlmSpanRecorder();
    tracing.tracer.startActiveSpan('http POST /chat', (request) => {
      const session = startSession({ name: 'support', tags: ['prod', 'v2'] });
      recorder.startCall({ key: 's1', model: 'gpt' }).end();
      session.end('Success');
      request.end();
    });
    const session = named('support.session');
    const request = named('http POST /chat');
    expect(session?.parentSpanContext).toBeUndefined();
    expect(session?.spanContext().traceId).not.toBe(request?.spanContext().traceId);
    expect(session?.links[0]?.context.spanId).toBe(request?.spanContext().spanId);
    expect(session?.attributes).toMatchObject({
      'agentops.span.kind': 'session',
      'agentops.tags': ['prod', 'v2'],
      'agentops.session.end_state': 'Success',
    });
    expect(session?.status.code).toBe(1);
    const llm = named('gpt.llm');
    // gpt.llm parents to the request span (the active span wins), and is owned by the session for cleanup.
    expect(llm?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  });

  it('nests under the active span when asked', () => {
    tracing.tracer.startActiveSpan('job', (job) => {
      startSession({ name: 'inner', nested: true }).end('Indeterminate');
      job.end();
    });
    expect(named('inner.session')?.parentSpanContext?.spanId).toBe(named('job')?.spanContext().spanId);
    expect(named('inner.session')?.status.code).toBe(0);
  });

  it('withSession makes the session active, ends it with Success, or Fail and rethrows', async () => {
    const recorder = createLlmSpanRecorder();
    const result = await withSession({ name: 'ok' }, async (session) => {
      expect(getCurrentSession()?.sessionId).toBe(session.sessionId);
      expect(trace.getSpan(context.active())?.spanContext().spanId).toBeDefined();
      recorder.startRun({ key: 'w1', kind: 'workflow', name: 'flow' });
      await new Promise((resolve) => setTimeout(resolve, 1));
      recorder.endRun({ key: 'w1' });
      return 42;
    });
    expect(result).toBe(42);
    expect(named('flow.workflow')?.parentSpanContext?.spanId).toBe(named('ok.session')?.spanContext().spanId);
    const failure = new Error('agent crashed: token sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX');
    await expect(withSession({ name: 'bad' }, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(() =>
      withSession({ name: 'sync-bad' }, () => {
        throw failure;
      }),
    ).toThrow(failure);
    const bad = named('bad.session');
    expect(bad?.attributes['agentops.session.end_state']).toBe('Fail');
    expect(bad?.status.code).toBe(2);
    expect(String(bad?.attributes['agentops.session.end_reason'])).not.toContain('sk-proj-');
    expect(getCurrentSession()).toBeUndefined();
  });

  it('ending a session ends everything still open under it, even under a foreign span', () => {
    const recorder = createLlmSpanRecorder();
    const session = startSession({ name: 'bounded' });
    context.with(session.context, () => {
      recorder.startRun({ key: 'open-agent', kind: 'agent', name: 'runner' });
      recorder.startCall({ key: 'open-llm', parentKey: 'open-agent', model: 'dangling' });
      tracing.tracer.startActiveSpan('app work', (work) => {
        recorder.startCall({ key: 'under-foreign', model: 'foreign-child' });
        work.end();
      });
    });
    session.end('Indeterminate');
    expect(recorder.stats().inFlight).toBe(0);
    for (const name of ['runner.agent', 'dangling.llm', 'foreign-child.llm']) {
      expect(named(name)?.attributes['agentops.span.incomplete_reason'], name).toBe('session_ended');
    }
    session.end('Success'); // ignored
    expect(named('bounded.session')?.attributes['agentops.session.end_state']).toBe('Indeterminate');
  });

  it('the current session is the newest open handle when the context has none', () => {
    const first = startSession({ name: 'first' });
    const second = startSession({ name: 'second' });
    expect(getCurrentSession()?.sessionId).toBe(second.sessionId);
    second.end();
    expect(getCurrentSession()?.sessionId).toBe(first.sessionId);
    first.end();
    expect(getCurrentSession()).toBeUndefined();
  });
});

describe('session start time', () => {
  it('honours a start time in the past, so that ingested events stay inside the session', () => {
    const startTime = new Date(Date.now() - 60_000);
    startSession({ name: 'backdated', startTime }).end();
    const span = named('backdated.session');
    expect((span?.startTime[0] ?? 0) * 1000 + (span?.startTime[1] ?? 0) / 1e6).toBeCloseTo(startTime.getTime(), -1);
  });
});

describe('explicit-only sessions', () => {
  it('a session with implicit: false adopts only work in its own context', () => {
    const recorder = createLlmSpanRecorder();
    const tenant = startSession({ name: 'tenant-a', implicit: false });
    recorder.startCall({ key: 'unrelated', model: 'unrelated' }).end();
    recorder.startCall({ key: 'owned', model: 'owned', parentContext: tenant.context }).end();
    expect(getCurrentSession()).toBeUndefined();
    tenant.end();
    expect(named('unrelated.llm')?.parentSpanContext).toBeUndefined();
    expect(named('owned.llm')?.parentSpanContext?.spanId).toBe(named('tenant-a.session')?.spanContext().spanId);
  });
});
