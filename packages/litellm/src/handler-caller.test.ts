import { readFileSync } from 'node:fs';
import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type ReadableSpanLike } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentOpsLiteLLMHandler } from './handler.js';
import type { AgentOpsLiteLLMHandlerOptions } from './handler-options.js';

// Where the caller's trace context and session id travel: these tests use the real payload that LiteLLM 1.82.6's
// proxy posted (its requester_metadata holds the caller's body metadata and, in that version, the inbound headers).
const REAL = JSON.parse(
  readFileSync(new URL('./__fixtures__/real/standard-logging-payload.json', import.meta.url), 'utf8'),
)[0] as Record<string, unknown>;

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

let handlers: AgentOpsLiteLLMHandler[] = [];
function newHandler(options: AgentOpsLiteLLMHandlerOptions = {}): AgentOpsLiteLLMHandler {
  const handler = new AgentOpsLiteLLMHandler(options);
  handlers.push(handler);
  return handler;
}
beforeEach(() => tracing.reset());
afterEach(() => {
  for (const handler of handlers) handler.close();
  handlers = [];
  vi.useRealTimers();
  expect(tracing.capture.openCount()).toBe(0);
});

let counter = 0;
/** The real payload with a fresh id, start time offset `at` seconds, and the caller's metadata / headers. */
function payload(requester: Record<string, unknown>, at = 0): Record<string, unknown> {
  counter += 1;
  const metadata = REAL.metadata as Record<string, unknown>;
  const start = (REAL.startTime as number) + at;
  return {
    ...REAL,
    id: `chatcmpl-caller-${counter}`,
    startTime: start,
    endTime: start + 0.4,
    completionStartTime: start + 0.4,
    metadata: { ...metadata, requester_metadata: requester },
  };
}
const withHeaders = (headers: Record<string, string>) => ({ headers: { 'user-agent': 'node', ...headers } });

const llmSpans = () => tracing.spans().filter((span) => span.name.endsWith('.llm'));
const sessionSpans = () => tracing.spans().filter((span) => span.name === 'litellm.session');
const parentId = (span: ReadableSpanLike | undefined) => span?.parentSpanContext?.spanId;
const ms = (time: readonly [number, number]) => time[0] * 1000 + time[1] / 1e6;

describe('joining the caller trace (W3C traceparent)', () => {
  it.each([
    ['an inbound header the proxy copied into requester_metadata.headers', withHeaders({ traceparent: TRACEPARENT })],
    ['the request metadata (`metadata: {traceparent}` in the request body)', { traceparent: TRACEPARENT }],
  ])('from %s: the call is a child of the caller span, not of the handler session', (_name, requester) => {
    const handler = newHandler();
    expect(handler.logStandardLoggingPayload(payload(requester))).toMatchObject({ accepted: 1 });
    handler.close();
    const [call] = llmSpans();
    expect(call?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentId(call)).toBe(CALLER_SPAN);
    expect(call?.parentSpanContext?.isRemote).toBe(true);
    const [session] = sessionSpans();
    expect(session?.spanContext().traceId).not.toBe(CALLER_TRACE);
  });

  it('keeps the session id as an attribute when the call joins the caller trace', () => {
    const handler = newHandler({ autoSession: false, callerSessions: true });
    handler.logStandardLoggingPayload(
      payload({ ...withHeaders({ traceparent: TRACEPARENT }), agentops_session_id: 's1' }),
    );
    handler.close();
    expect(sessionSpans()).toHaveLength(0);
    expect(llmSpans()[0]?.attributes[ATTR.SESSION_ID_GENERAL]).toBe('s1');
    expect(parentId(llmSpans()[0])).toBe(CALLER_SPAN);
  });

  it('joinCallerTrace: false ignores the caller trace context', () => {
    const handler = newHandler({ joinCallerTrace: false });
    handler.logStandardLoggingPayload(payload(withHeaders({ traceparent: TRACEPARENT })));
    handler.close();
    expect(parentId(llmSpans()[0])).toBe(sessionSpans()[0]?.spanContext().spanId);
  });

  it('an invalid traceparent falls back to the usual parent (a root without a session)', () => {
    const handler = newHandler({ autoSession: false });
    handler.logStandardLoggingPayload(payload(withHeaders({ traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` })));
    handler.close();
    expect(parentId(llmSpans()[0])).toBeUndefined();
  });

  it('raw kwargs: the proxy request headers carry the traceparent to the pre-call span', () => {
    const handler = newHandler();
    const kwargs = {
      litellm_call_id: `kwargs-caller-${++counter}`,
      model: 'gpt-4o',
      litellm_params: { proxy_server_request: { headers: { traceparent: TRACEPARENT } } },
    };
    handler.logPreApiCall('gpt-4o', [{ role: 'user', content: 'hi' }], kwargs);
    handler.logSuccessEvent(kwargs, { id: 'r', choices: [] }, null, null);
    handler.close();
    expect(parentId(llmSpans()[0])).toBe(CALLER_SPAN);
    expect(llmSpans()[0]?.spanContext().traceId).toBe(CALLER_TRACE);
  });
});

describe('callerSessions: one session span per caller session id', () => {
  it('groups calls by agentops_session_id; calls without one stay their own traces', () => {
    const handler = newHandler({ autoSession: false, callerSessions: true, tags: ['bridge'] });
    handler.logStandardLoggingPayload([
      payload({ agentops_session_id: 'sess-a' }, 0),
      payload({ agentops_session_id: 'sess-b' }, 1),
      payload(withHeaders({ 'x-agentops-session-id': 'sess-a' }), 2),
      payload({}, 3),
    ]);
    handler.close('Success');
    const sessions = sessionSpans();
    expect(sessions.map((span) => span.attributes[ATTR.SESSION_ID]).sort()).toEqual(['sess-a', 'sess-b']);
    const sessionA = sessions.find((span) => span.attributes[ATTR.SESSION_ID] === 'sess-a');
    expect(sessionA?.attributes[ATTR.TAGS]).toEqual(['bridge']);
    expect(sessionA?.attributes[ATTR.SESSION_END_STATE]).toBe('Success');
    const calls = llmSpans();
    expect(calls).toHaveLength(4);
    const inA = calls.filter((span) => parentId(span) === sessionA?.spanContext().spanId);
    expect(inA).toHaveLength(2);
    expect(new Set(inA.map((span) => span.spanContext().traceId))).toEqual(new Set([sessionA?.spanContext().traceId]));
    // The session starts when its first call started, so AgentOps sees it as the trace's earliest span.
    expect(ms(sessionA?.startTime ?? [0, 0])).toBeCloseTo(Math.min(...inA.map((span) => ms(span.startTime))), 0);
    const loose = calls.filter((span) => parentId(span) === undefined);
    expect(loose).toHaveLength(1);
  });

  it('ends an idle session; a later call with the same id starts a new one', () => {
    vi.useFakeTimers();
    const handler = newHandler({ autoSession: false, callerSessions: { idleTimeoutMs: 60_000 } });
    handler.logStandardLoggingPayload(payload({ agentops_session_id: 'sess-idle' }));
    vi.advanceTimersByTime(59_000);
    handler.logStandardLoggingPayload(payload({ agentops_session_id: 'sess-idle' }, 1));
    vi.advanceTimersByTime(59_000);
    expect(sessionSpans()).toHaveLength(0);
    vi.advanceTimersByTime(2_000);
    const [first] = sessionSpans();
    expect(first?.attributes).toMatchObject({
      [ATTR.SESSION_END_STATE]: 'Indeterminate',
      [ATTR.SESSION_END_REASON]: 'idle',
    });
    handler.logStandardLoggingPayload(payload({ agentops_session_id: 'sess-idle' }, 200));
    handler.close();
    const sessions = sessionSpans();
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((span) => span.spanContext().traceId)).size).toBe(2);
    expect(llmSpans().map((span) => parentId(span))).toEqual([
      first?.spanContext().spanId,
      first?.spanContext().spanId,
      sessions[1]?.spanContext().spanId,
    ]);
  });

  it('keeps at most maxOpen sessions, ending the least recently used', () => {
    const handler = newHandler({ autoSession: false, callerSessions: { maxOpen: 2 } });
    handler.logStandardLoggingPayload([
      payload({ agentops_session_id: 'one' }),
      payload({ agentops_session_id: 'two' }),
      payload({ agentops_session_id: 'one' }),
      payload({ agentops_session_id: 'three' }),
    ]);
    expect(sessionSpans().map((span) => span.attributes[ATTR.SESSION_ID])).toEqual(['two']);
    expect(sessionSpans()[0]?.attributes[ATTR.SESSION_END_REASON]).toBe('too many open sessions');
    handler.close();
    expect(sessionSpans()).toHaveLength(3);
  });

  it('disabled: no session spans either', () => {
    const handler = newHandler({ disabled: true, autoSession: false, callerSessions: true });
    expect(handler.logStandardLoggingPayload(payload({ agentops_session_id: 'off' }))).toMatchObject({ accepted: 1 });
    handler.close();
    expect(tracing.spans()).toHaveLength(0);
  });

  it('without callerSessions the session id is only an attribute, under the handler session', () => {
    const handler = newHandler();
    handler.logStandardLoggingPayload(payload({ agentops_session_id: 'sess-attr' }));
    handler.close();
    expect(sessionSpans()).toHaveLength(1);
    expect(sessionSpans()[0]?.attributes[ATTR.SESSION_ID]).not.toBe('sess-attr');
    expect(llmSpans()[0]?.attributes[ATTR.SESSION_ID_GENERAL]).toBe('sess-attr');
  });
});
