import { ATTR } from '@agentops/llm-callback-core';
import {
  createSpanCapture,
  createTestTracing,
  type ReadableSpanLike,
  spanTree,
} from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import failureKwargs from './__fixtures__/kwargs-failure-retries.json' with { type: 'json' };
import streamKwargs from './__fixtures__/kwargs-stream-success.json' with { type: 'json' };
import failurePayload from './__fixtures__/slp-rate-limit-failure.json' with { type: 'json' };
import responsesPayload from './__fixtures__/slp-responses-api-quirks.json' with { type: 'json' };
import anthropicPayload from './__fixtures__/slp-stream-anthropic-cache.json' with { type: 'json' };
import toolCallPayload from './__fixtures__/slp-tool-call.json' with { type: 'json' };
import { AgentOpsLiteLLMHandler } from './handler.js';
import type { AgentOpsLiteLLMHandlerOptions } from './handler-options.js';

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
  // Nothing may stay open behind a test.
  expect(tracing.capture.openCount()).toBe(0);
});

const ms = (time: readonly [number, number]) => time[0] * 1000 + time[1] / 1e6;
const seconds = (value: number) => Math.round(value * 1e6) / 1e3;

function spansNamed(name: string): ReadableSpanLike[] {
  return tracing.spans().filter((span) => span.name === name);
}
function onlySpan(name: string): ReadableSpanLike {
  const spans = spansNamed(name);
  expect(
    spans,
    `spans named ${name} among ${tracing
      .spans()
      .map((span) => span.name)
      .join(', ')}`,
  ).toHaveLength(1);
  return spans[0] as ReadableSpanLike;
}
function allAttributeText(): string {
  return JSON.stringify(tracing.spans().map((span) => [span.attributes, span.events]));
}

// Call ids are global (the core remembers ended keys process-wide), so every test uses fresh ones.
let counter = 0;
const newId = (prefix: string) => `${prefix}-${++counter}`;
function fresh<T extends { id: string }>(payload: T): T {
  return { ...payload, id: newId(payload.id) };
}
const toolCall = () => fresh(toolCallPayload);
const anthropic = () => fresh(anthropicPayload);
const failed = () => fresh(failurePayload);
const responses = () => ({ ...responsesPayload, litellm_call_id: newId('responses') });

/** The tool-call payload as the first of LiteLLM's two success events may see it: cost not computed yet. */
const withoutCost = () => ({
  ...toolCallPayload,
  response_cost: null,
  hidden_params: { ...toolCallPayload.hidden_params, response_cost: null },
});

/** kwargs as a success callback gets them when LiteLLM built a StandardLoggingPayload. */
function kwargsWithPayload(payload: Record<string, unknown>, callId: string, extra: Record<string, unknown> = {}) {
  return { litellm_call_id: callId, model: payload.model, standard_logging_object: payload, ...extra };
}

describe('AgentOpsLiteLLMHandler: handler events', () => {
  it('records a streamed call under the handler session, from raw kwargs (pre-call, then success)', () => {
    const handler = newHandler({ tags: ['weather-bot'] });
    handler.logPreApiCall(streamKwargs.model, streamKwargs.messages, streamKwargs);
    handler.logPostApiCall(streamKwargs, null, streamKwargs.start_time, undefined);
    handler.logSuccessEvent(
      streamKwargs,
      streamKwargs.async_complete_streaming_response,
      streamKwargs.start_time,
      streamKwargs.end_time,
    );
    handler.close('Success');

    const [session] = spanTree(tracing.spans());
    expect(session?.name).toBe('litellm.session');
    expect(session?.attributes[ATTR.TAGS]).toEqual(['weather-bot']);
    expect(session?.attributes[ATTR.SESSION_END_STATE]).toBe('Success');
    expect(session?.children.map((child) => child.name)).toEqual(['gpt-4o-mini.llm']);
    const llm = session?.children[0];
    expect(llm?.status).toBe('UNSET');
    expect(llm?.attributes).toMatchObject({
      [ATTR.SPAN_KIND]: 'llm',
      [ATTR.FRAMEWORK]: 'litellm',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.SYSTEM]: 'openai',
      [ATTR.REQUEST_TEMPERATURE]: 0.3,
      [ATTR.REQUEST_MAX_TOKENS]: 300,
      [ATTR.REQUEST_FREQUENCY_PENALTY]: 0.2,
      [ATTR.REQUEST_PRESENCE_PENALTY]: 0.1,
      [ATTR.REQUEST_STOP_SEQUENCES]: ['###'],
      [ATTR.REQUEST_STREAMING]: true,
      [ATTR.RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
      [ATTR.RESPONSE_ID]: 'chatcmpl-stream-77',
      [ATTR.USAGE_PROMPT_TOKENS]: 96,
      [ATTR.USAGE_COMPLETION_TOKENS]: 12,
      [ATTR.USAGE_TOTAL_TOKENS]: 108,
      [ATTR.RESPONSE_FINISH_REASON]: 'stop',
      [ATTR.USER_ID]: 'u_42',
      [ATTR.TAGS]: ['weather'],
      'gen_ai.request.functions.0.name': 'get_weather',
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.3.role': 'tool',
      'gen_ai.completion.0.content': 'It is 19°C and clear in Porto.',
      'litellm.call_id': '0b5b1f7e-93c2-4a8e-9b51-3c3f1d2a4e10',
      'litellm.trace_id': 'trace-8e21',
      [ATTR.SERVER_ADDRESS]: 'api.openai.com',
    });
    expect(llm?.attributes[ATTR.SESSION_ID_GENERAL]).toBe(session?.attributes[ATTR.SESSION_ID]);
    expect(onlySpan('gpt-4o-mini.llm').instrumentationScope?.name).toBe('@agentops/litellm');
    // Time to first token from completion_start_time: 09:15:01.623456 - 09:15:01.123456.
    expect(llm?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeCloseTo(0.5, 3);
    // The real start and end times, not the time the events arrived.
    const span = onlySpan('gpt-4o-mini.llm');
    expect(ms(span.startTime)).toBeCloseTo(Date.parse('2026-03-02T09:15:01.123Z'), 0);
    expect(ms(span.endTime)).toBeCloseTo(Date.parse('2026-03-02T09:15:03.923Z'), 0);
    expect(allAttributeText()).not.toContain('DO-NOT-EXPORT');
    expect(handler.stats()).toMatchObject({ inFlight: 0, started: 1, ended: 1 });
  });

  it('merges duplicate sync and async success events into one span, the cost from the second', () => {
    const handler = newHandler({ mergeWindowMs: 60_000 });
    const callId = newId('call-dup');
    handler.logPreApiCall('gpt-4o-2024-08-06', toolCallPayload.messages, {
      litellm_call_id: callId,
      model: 'gpt-4o-2024-08-06',
    });
    handler.logSuccessEvent(kwargsWithPayload(withoutCost(), callId), toolCallPayload.response, null, null);
    void handler.asyncLogSuccessEvent(kwargsWithPayload(toolCallPayload, callId), toolCallPayload.response, null, null);
    expect(tracing.spans()).toHaveLength(0);
    handler.close();

    const span = onlySpan('gpt-4o-2024-08-06.llm');
    expect(span.attributes[ATTR.USAGE_TOTAL_COST]).toBe(0.0016325);
    expect(span.attributes).toMatchObject({
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.id': 'call_Q7w2',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Lisbon","day":"tomorrow"}',
      [ATTR.RESPONSE_FINISH_REASON]: 'tool_calls',
      [ATTR.USAGE_CACHE_READ_TOKENS]: 256,
      'litellm.model_id': 'dep-7f2e1c',
    });
    expect(span.attributes[ATTR.INCOMPLETE]).toBeUndefined();
  });

  it('ignores a duplicate that arrives after the merge window, and never makes a second span', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = newHandler({ mergeWindowMs: 50 });
    const callId = newId('call-late-dup');
    handler.logSuccessEvent(kwargsWithPayload(withoutCost(), callId), null, null, null);
    vi.advanceTimersByTime(60);
    expect(spansNamed('gpt-4o.llm')).toHaveLength(1);
    handler.logSuccessEvent(kwargsWithPayload(toolCallPayload, callId), null, null, null);
    handler.logFailureEvent(kwargsWithPayload(toolCallPayload, callId), null, null, null);
    handler.logPreApiCall('gpt-4o', [], { litellm_call_id: callId });
    vi.advanceTimersByTime(60);
    expect(spansNamed('gpt-4o.llm')).toHaveLength(1);
    expect(spansNamed('gpt-4o.llm')[0]?.attributes[ATTR.USAGE_TOTAL_COST]).toBeUndefined();
    expect(handler.stats().duplicates).toBeGreaterThanOrEqual(2);
  });

  it('records a success without a pre-call event as a complete span with the real times', () => {
    const handler = newHandler();
    void handler.asyncLogSuccessEvent(kwargsWithPayload(anthropicPayload, newId('call-no-pre')), null, null, null);
    handler.close();
    const span = onlySpan('claude-sonnet.llm');
    expect(ms(span.startTime)).toBeCloseTo(seconds(1767225700.0), 0);
    expect(ms(span.endTime)).toBeCloseTo(seconds(1767225704.91), 0);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_MODEL]: 'claude-sonnet',
      [ATTR.RESPONSE_MODEL]: 'claude-sonnet-4-20250514',
      [ATTR.SYSTEM]: 'anthropic',
      [ATTR.USAGE_CACHE_READ_TOKENS]: 2048,
      [ATTR.USAGE_CACHE_CREATION_TOKENS]: 0,
      [ATTR.USAGE_REASONING_TOKENS]: 64,
      [ATTR.USAGE_PROMPT_TOKENS]: 2261,
      [ATTR.USAGE_TOTAL_COST]: 0.004179,
      [ATTR.REQUEST_STREAMING]: true,
      'gen_ai.completion.0.reasoning': 'The report lists five phases.',
    });
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeCloseTo(0.64, 3);
    expect(span.attributes[ATTR.INCOMPLETE]).toBeUndefined();
  });

  it('records a failed call after retries: ERROR status, class, HTTP status, retry count, trace id', () => {
    const handler = newHandler({ mergeWindowMs: 60_000 });
    handler.logPreApiCall(failureKwargs.model, failureKwargs.messages, failureKwargs);
    handler.logFailureEvent(failureKwargs, null, failureKwargs.start_time, failureKwargs.end_time);
    void handler.asyncLogFailureEvent(failureKwargs, null, failureKwargs.start_time, failureKwargs.end_time);
    handler.close('Fail');

    const [session] = spanTree(tracing.spans());
    expect(session?.attributes[ATTR.SESSION_END_STATE]).toBe('Fail');
    expect(session?.children).toHaveLength(1);
    const llm = session?.children[0];
    expect(llm?.name).toBe('fast-chat.llm');
    expect(llm?.status).toBe('ERROR');
    expect(llm?.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'RateLimitError',
      [ATTR.HTTP_STATUS_CODE]: 429,
      [ATTR.RETRY_COUNT]: 2,
      [ATTR.RETRY_MAX]: 2,
      [ATTR.RETRY_ATTEMPT]: 2,
      'litellm.trace_id': '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
    });
    expect(String(llm?.attributes[ATTR.ERROR_MESSAGE])).toContain('Rate limit reached');
    expect(llm?.events.map((event) => event.name)).toContain('exception');
    expect(llm?.attributes[ATTR.USAGE_TOTAL_COST]).toBeUndefined();
    expect(allAttributeText()).not.toContain('DO-NOT-EXPORT');
  });

  it('records a failure from a payload-carrying kwargs, with the exception object', () => {
    const handler = newHandler();
    class RateLimitError extends Error {
      override name = 'RateLimitError';
    }
    handler.logFailureEvent(
      kwargsWithPayload(failurePayload, newId('call-fail-obj'), { exception: new RateLimitError('boom') }),
      null,
      null,
      null,
    );
    handler.close();
    const span = onlySpan('fast-chat.llm');
    expect(span.status.code).toBe(2);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('RateLimitError');
    expect(span.attributes[ATTR.RETRY_COUNT]).toBe(2);
  });

  it('keeps one span for a pre-call seen twice', () => {
    const handler = newHandler();
    const id = newId('twice');
    handler.logPreApiCall('m', [], { litellm_call_id: id, model: 'm' });
    handler.logPreApiCall('m', [], { litellm_call_id: id, model: 'm' });
    handler.logSuccessEvent({ litellm_call_id: id }, { choices: [{ message: { content: 'x' } }] }, null, null);
    handler.close();
    expect(spansNamed('m.llm')).toHaveLength(1);
    expect(spansNamed('m.llm')[0]?.attributes[ATTR.INCOMPLETE]).toBeUndefined();
  });

  it('ends a call that never got its success event as incomplete when the handler closes', () => {
    const handler = newHandler();
    handler.logPreApiCall('m-open', [{ role: 'user', content: 'hi' }], { litellm_call_id: newId('open') });
    expect(handler.stats().inFlight).toBe(1);
    handler.close('Indeterminate');
    expect(handler.stats().inFlight).toBe(0);
    expect(onlySpan('m-open.llm').attributes[ATTR.INCOMPLETE]).toBe(true);
  });

  it('records nothing after close, and close is idempotent', () => {
    const handler = newHandler();
    handler.close();
    handler.close('Fail');
    handler.logSuccessEvent(kwargsWithPayload(toolCallPayload, newId('after-close')), null, null, null);
    expect(handler.logStandardLoggingPayload(toolCall())).toEqual({
      accepted: 0,
      rejected: 1,
      errors: ['payload 0: the handler is closed'],
    });
    expect(tracing.spans().map((span) => span.name)).toEqual(['litellm.session']);
    expect(tracing.spans()[0]?.attributes[ATTR.SESSION_END_STATE]).toBe('Success');
  });
});

describe('AgentOpsLiteLLMHandler: logStandardLoggingPayload', () => {
  it('ingests NDJSON with broken lines: valid payloads become spans, the rest are reported', () => {
    const handler = newHandler();
    const body = [
      JSON.stringify(toolCall()),
      '{"id": "broken", "model": ',
      '',
      JSON.stringify(failed()),
      'null',
      JSON.stringify(responses()),
    ].join('\n');
    expect(handler.logStandardLoggingPayload(body)).toEqual({
      accepted: 3,
      rejected: 2,
      errors: ['line 2: invalid JSON', 'item 2: not a payload object'],
    });
    handler.close();
    const [session] = spanTree(tracing.spans());
    expect(session?.children.map((child) => `${child.name} ${child.status}`).sort()).toEqual([
      'fast-chat.llm ERROR',
      'gpt-4o.llm UNSET',
      'o4-mini.llm UNSET',
    ]);
    expect(onlySpan('gpt-4o.llm').attributes[ATTR.SESSION_ID_GENERAL]).toBe('sess_01HX');
  });

  it('accepts an array and a single payload, and ignores a payload it already recorded', () => {
    const handler = newHandler();
    const first = toolCall();
    expect(handler.logStandardLoggingPayload([first, anthropic()])).toEqual({ accepted: 2, rejected: 0, errors: [] });
    expect(handler.logStandardLoggingPayload(first)).toEqual({ accepted: 1, rejected: 0, errors: [] });
    handler.close();
    expect(spansNamed('gpt-4o.llm')).toHaveLength(1);
    expect(spansNamed('claude-sonnet.llm')).toHaveLength(1);
  });

  it('links the attempts of one router request by trace id', () => {
    const handler = newHandler();
    const attempt = (start: number) => ({ ...failed(), startTime: start, endTime: start + 0.3 });
    handler.logStandardLoggingPayload([attempt(1767225799.0), attempt(1767225799.5), attempt(1767225800.02)]);
    handler.close();
    const attempts = spansNamed('fast-chat.llm');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((span) => span.attributes['litellm.trace_id']))).toEqual(
      new Set([failurePayload.trace_id]),
    );
  });

  it('gives a payload without any id its own span', () => {
    const handler = newHandler();
    const anonymous = { model: 'anon-model', status: 'success', startTime: 1767225000, endTime: 1767225001 };
    expect(handler.logStandardLoggingPayload([anonymous, anonymous])).toMatchObject({ accepted: 2 });
    handler.close();
    expect(spansNamed('anon-model.llm')).toHaveLength(2);
  });

  it('records the valid items of a batch around items whose fields throw, and counts the bad ones', () => {
    const handler = newHandler();
    const unreadableMetadata = {
      litellm_call_id: 'broken-item',
      get metadata(): unknown {
        throw new Error('unreadable');
      },
    };
    const unreadableId = {
      get id(): unknown {
        throw new Error('unreadable');
      },
    };
    expect(handler.logStandardLoggingPayload([toolCall(), unreadableMetadata, unreadableId, anthropic()])).toEqual({
      accepted: 2,
      rejected: 2,
      errors: ['item 2: unreadable', 'payload 1: unreadable (a field threw when read)'],
    });
    handler.close();
    expect(spansNamed('gpt-4o.llm')).toHaveLength(1);
    expect(spansNamed('claude-sonnet.llm')).toHaveLength(1);
    expect(tracing.spans().map((span) => span.attributes['litellm.call_id'])).not.toContain('broken-item');
  });

  it('never throws and reports input that is not a payload', () => {
    const handler = newHandler();
    expect(handler.logStandardLoggingPayload(undefined)).toEqual({
      accepted: 0,
      rejected: 1,
      errors: ['input is not a payload'],
    });
    expect(handler.logStandardLoggingPayload(['MaxDepthExceeded'])).toEqual({
      accepted: 0,
      rejected: 1,
      errors: ['item 0: not a payload object'],
    });
  });
});

describe('AgentOpsLiteLLMHandler: options', () => {
  it('autoSession: false records calls as roots (no session span)', () => {
    const handler = newHandler({ autoSession: false });
    handler.logStandardLoggingPayload(toolCall());
    handler.close();
    expect(tracing.spans().map((span) => span.name)).toEqual(['gpt-4o.llm']);
    expect(spanTree(tracing.spans())[0]?.externalParent).toBe(false);
  });

  it('autoSession: calls are children of the session even under an unrelated active span', () => {
    const handler = newHandler();
    tracing.tracer.startActiveSpan('POST /litellm', (serverSpan) => {
      handler.logStandardLoggingPayload(toolCall());
      serverSpan.end();
    });
    handler.close();
    const session = onlySpan('litellm.session');
    expect(onlySpan('gpt-4o.llm').parentSpanContext?.spanId).toBe(session.spanContext().spanId);
  });

  it('autoSession: false parents calls to the active span', () => {
    const handler = newHandler({ autoSession: false });
    tracing.tracer.startActiveSpan('app work', (appSpan) => {
      handler.logStandardLoggingPayload(toolCall());
      appSpan.end();
    });
    handler.close();
    expect(onlySpan('gpt-4o.llm').parentSpanContext?.spanId).toBe(onlySpan('app work').spanContext().spanId);
  });

  it('tracerProvider: spans go to the given provider', async () => {
    const capture = createSpanCapture();
    const provider = new TracerProvider({ spanProcessors: [capture] });
    const handler = newHandler({ tracerProvider: provider });
    handler.logStandardLoggingPayload(toolCall());
    handler.close();
    expect(
      capture
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['gpt-4o.llm', 'litellm.session']);
    expect(tracing.spans()).toHaveLength(0);
    await provider.shutdown();
  });

  it('captureContent: false keeps metadata and drops message content', () => {
    const handler = newHandler({ captureContent: false });
    handler.logStandardLoggingPayload(toolCall());
    handler.close();
    const span = onlySpan('gpt-4o.llm');
    expect(span.attributes[ATTR.USAGE_TOTAL_TOKENS]).toBe(428);
    expect(Object.keys(span.attributes).some((key) => key.startsWith('gen_ai.prompt.'))).toBe(false);
    expect(allAttributeText()).not.toContain('Lisbon');
  });

  it.each([
    ['captureContent: false', { captureContent: false }, undefined],
    ['AGENTOPS_CAPTURE_CONTENT=false', {}, 'false'],
  ] as const)('%s: request messages, tools and output messages are never read', (_name, options, env) => {
    if (env) vi.stubEnv('AGENTOPS_CAPTURE_CONTENT', env);
    const reads: string[] = [];
    const watched = <T extends object>(label: string, value: T): T =>
      new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads.push(label);
          return Reflect.get(target, key, receiver);
        },
      });
    const payload = toolCall();
    const unread = {
      ...payload,
      messages: watched('messages', [...payload.messages]),
      model_parameters: { ...payload.model_parameters, tools: watched('tools', [...payload.model_parameters.tools]) },
      response: {
        ...payload.response,
        choices: payload.response.choices.map((choice) => ({
          ...choice,
          get message() {
            reads.push('output message');
            return choice.message;
          },
        })),
      },
    };
    const handler = newHandler(options);
    expect(handler.logStandardLoggingPayload(unread).accepted).toBe(1);
    handler.close();
    vi.unstubAllEnvs();
    expect(reads).toEqual([]);
    const span = onlySpan('gpt-4o.llm');
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASON]).toBe('tool_calls');
    expect(span.attributes[ATTR.USAGE_TOTAL_TOKENS]).toBe(428);
  });

  it('a payload whose response throws when read starts no span', () => {
    const handler = newHandler();
    const payload = toolCall();
    const hostile = {
      ...payload,
      get response(): unknown {
        throw new Error('unreadable');
      },
    };
    expect(handler.logStandardLoggingPayload([hostile, toolCall()])).toMatchObject({ accepted: 1, rejected: 1 });
    // Nothing of the rejected payload is open before close() would end it.
    expect(handler.stats().inFlight).toBe(0);
    handler.close();
    expect(spansNamed('gpt-4o.llm')).toHaveLength(1);
  });

  it('disabled: records nothing', () => {
    const handler = newHandler({ disabled: true });
    handler.logStandardLoggingPayload(toolCall());
    handler.close();
    expect(tracing.spans().filter((span) => span.name.endsWith('.llm'))).toHaveLength(0);
  });

  it('enrichSpan: the hook sees each call span', () => {
    const seen: string[] = [];
    const handler = newHandler({ enrichSpan: (_span, event) => seen.push(`${event.name}:${event.key}`) });
    const payload = toolCall();
    handler.logStandardLoggingPayload(payload);
    handler.close();
    expect(seen).toEqual([`call.end:${payload.id}`]);
  });

  it('ready resolves at once without an apiKey', async () => {
    await expect(newHandler().ready).resolves.toBeUndefined();
  });
});
