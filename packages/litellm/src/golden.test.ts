import { readFileSync } from 'node:fs';
import { createTestTracing, SECRET_CORPUS, serializeSpanTree } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentOpsLiteLLMHandler } from './handler.js';
import type { AgentOpsLiteLLMHandlerOptions } from './handler-options.js';
import { type CapturedCall, replayHooks } from './test-support/replay-hooks.js';

// Pins every exported attribute, event, status, parent and time for the fixtures, through both entry points (the
// CustomLogger hooks and StandardLoggingPayload ingestion) and every content mode: a change to the mapping's cost
// must not change what the spans say. The snapshots were recorded before the mapping was optimised.

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const FIXTURES = new URL('./__fixtures__/', import.meta.url);
const ID_KEYS = new Set(['id', 'litellm_call_id', 'call_id']);

/** A fixture with its call and response ids tagged, since ended ids are remembered process-wide. */
function load(name: string, tag: string): unknown {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  return JSON.parse(text, (key, value) => (ID_KEYS.has(key) && typeof value === 'string' ? `${value}#${tag}` : value));
}

/** Every corpus secret in every place a payload carries text. */
function leakyPayload(tag: string): Record<string, unknown> {
  const all = SECRET_CORPUS.map((item) => item.text).join(' | ');
  return {
    id: `chatcmpl-leaky#${tag}`,
    call_type: 'acompletion',
    status: 'success',
    custom_llm_provider: 'openai',
    model: 'gpt-4o',
    api_base: `https://user:${SECRET_CORPUS[0]?.secret}@api.example.com:8443/v1?api_key=abc`,
    startTime: 1767225600.112,
    endTime: 1767225603.487,
    end_user: SECRET_CORPUS.find((item) => item.name === 'email')?.text ?? 'x',
    request_tags: [all, 'ok'],
    metadata: { requester_metadata: { agentops_session_id: `sess ${all}` } },
    messages: [
      { role: 'system', content: all },
      {
        role: 'user',
        content: [
          { type: 'text', text: all },
          { type: 'image_url', image_url: { url: all } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: all }) } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: JSON.stringify({ a: all, api_key: 'dropped-value' }) },
    ],
    response: {
      id: 'r1',
      model: 'gpt-4o',
      choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: all, reasoning_content: all } }],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    },
    model_parameters: {
      tools: [{ type: 'function', function: { name: 'f', description: all, parameters: { default: all } } }],
    },
  };
}

const MODES: Record<string, AgentOpsLiteLLMHandlerOptions> = {
  all: {},
  metadata: { captureContent: 'metadata' },
  none: { captureContent: false },
  'genai-latest': { semconv: { genaiLatest: true } },
  'genai-only': { semconv: { agentops: false, genaiLatest: true }, redaction: { pii: true } },
};

const PAYLOADS = [
  'slp-tool-call.json',
  'slp-rate-limit-failure.json',
  'slp-responses-api-quirks.json',
  'slp-stream-anthropic-cache.json',
];
const HOOK_FIXTURES = [
  'custom-logger-sdk-plain',
  'custom-logger-sdk-stream',
  'custom-logger-sdk-tool-call',
  'custom-logger-sdk-rate-limit-429',
  'custom-logger-proxy-plain',
  'custom-logger-proxy-stream',
  'custom-logger-proxy-tool-call',
  'custom-logger-proxy-rate-limit-429',
];
const GENERIC_API = ['plain', 'stream', 'tool-call', 'rate-limit-429'];

/** The spans as text; times as epoch ms, or `now` for times the handler took from the clock. */
function snapshot(): string {
  const spans = tracing.spans();
  const recent = Date.now() - 3_600_000;
  const time = (value: readonly [number, number]) => {
    const ms = value[0] * 1000 + value[1] / 1e6;
    return ms > recent ? 'now' : ms.toFixed(3);
  };
  const times = spans
    .map((span) => `${span.name} ${time(span.startTime)} → ${time(span.endTime)}`)
    .sort()
    .join('\n');
  const tree = serializeSpanTree(spans, { maxValueLength: 1_000_000 })
    .replace(/"session\.id": "[0-9a-f-]{36}"/g, '"session.id": "<random>"')
    .replace(/(session\.id|session_id): "[0-9a-f-]{36}"/g, '$1: "<random>"');
  return `${tree}\n--- times\n${times}`;
}

describe.each(Object.entries(MODES))('golden spans (%s)', (mode, options) => {
  it('StandardLoggingPayloads, as objects and as text', () => {
    const handler = new AgentOpsLiteLLMHandler({ ...options, autoSession: false });
    for (const name of PAYLOADS) handler.logStandardLoggingPayload(load(name, `${mode}-obj`));
    const text = PAYLOADS.map((name) => JSON.stringify(load(name, `${mode}-text`))).join('\n');
    expect(handler.logStandardLoggingPayload(text).accepted).toBe(PAYLOADS.length);
    handler.close();
    expect(snapshot()).toMatchSnapshot();
  });

  it('real generic_api posts, the way the bridge records them', () => {
    const handler = new AgentOpsLiteLLMHandler({
      ...options,
      autoSession: false,
      callerSessions: true,
      mergeWindowMs: 0,
    });
    for (const scenario of GENERIC_API) {
      const posts = (load(`real/generic-api-${scenario}.json`, mode) as { posts: { body: unknown }[] }).posts;
      for (const post of posts) handler.logStandardLoggingPayload(post.body);
    }
    handler.close();
    expect(snapshot()).toMatchSnapshot();
  });

  it('real CustomLogger hooks (pre-call, post-call, sync and async success or failure)', () => {
    for (const name of HOOK_FIXTURES) {
      const handler = new AgentOpsLiteLLMHandler({ ...options, tags: ['golden'] });
      replayHooks(handler, (load(`real/${name}.json`, mode) as { calls: CapturedCall[] }).calls);
      handler.close();
    }
    expect(snapshot()).toMatchSnapshot();
  });

  it('raw kwargs without a payload, and kwargs carrying one', () => {
    const handler = new AgentOpsLiteLLMHandler({ ...options, mergeWindowMs: 0 });
    const stream = load('kwargs-stream-success.json', mode) as Record<string, unknown>;
    handler.logPreApiCall(stream.model, stream.messages, stream);
    handler.logSuccessEvent(stream, stream.async_complete_streaming_response, stream.start_time, stream.end_time);
    const failure = load('kwargs-failure-retries.json', mode) as Record<string, unknown>;
    handler.logFailureEvent(failure, null, failure.start_time, failure.end_time);
    const payload = load('slp-tool-call.json', `${mode}-kwargs`) as Record<string, unknown>;
    const kwargs = { litellm_call_id: `kw#${mode}`, model: 'gpt-4o', standard_logging_object: payload };
    handler.logSuccessEvent(kwargs, payload.response, '2026-03-02 09:15:01.123456', '2026-03-02T09:15:04.5+01:00');
    handler.close();
    expect(snapshot()).toMatchSnapshot();
  });

  it('secrets and PII in every text field of a payload', () => {
    const handler = new AgentOpsLiteLLMHandler({ ...options, autoSession: false });
    handler.logStandardLoggingPayload(leakyPayload(mode));
    handler.close();
    const text = snapshot();
    for (const item of SECRET_CORPUS) if (item.kind === 'secret') expect(text, item.name).not.toContain(item.secret);
    expect(text).toMatchSnapshot();
  });
});
