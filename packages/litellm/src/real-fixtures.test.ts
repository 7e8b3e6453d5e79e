import { readFileSync } from 'node:fs';
import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type ReadableSpanLike, spanTree } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentOpsLiteLLMHandler } from './handler.js';
import { type CapturedCall, replayHooks } from './test-support/replay-hooks.js';

// Captured from a real LiteLLM 1.82.6 (SDK and proxy) by tools/e2e/litellm/capture-fixtures.mjs; copied here so
// that this package's tests do not depend on tools/.
const FIXTURES = new URL('./__fixtures__/real/', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => expect(tracing.capture.openCount()).toBe(0));

/** Replays captured hook calls in LiteLLM's order, then closes the handler. */
function replay(name: string): ReadableSpanLike[] {
  const calls: CapturedCall[] = read(name).calls;
  const handler = new AgentOpsLiteLLMHandler({ mergeWindowMs: 60_000 });
  replayHooks(handler, calls);
  handler.close();
  const [session] = spanTree(tracing.spans());
  expect(session?.name).toBe('litellm.session');
  const text = JSON.stringify(tracing.spans().map((span) => [span.attributes, span.events]));
  expect(text).not.toContain('sk-dummy');
  expect(text).not.toContain('<redacted>');
  return tracing.spans().filter((span) => span.name.endsWith('.llm'));
}

describe.each(['sdk', 'proxy'])('real LiteLLM CustomLogger hooks (%s)', (via) => {
  it('plain call: one complete span with usage, messages and the real times', () => {
    const spans = replay(`custom-logger-${via}-plain.json`);
    expect(spans).toHaveLength(1);
    const span = spans[0] as ReadableSpanLike;
    expect(span.attributes[ATTR.INCOMPLETE]).toBeUndefined();
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_MODEL]: 'stub-chat',
      [ATTR.SYSTEM]: 'openai',
      [ATTR.REQUEST_TEMPERATURE]: 0.2,
      [ATTR.REQUEST_MAX_TOKENS]: 32,
      [ATTR.USAGE_PROMPT_TOKENS]: 12,
      [ATTR.USAGE_COMPLETION_TOKENS]: 5,
      [ATTR.USER_ID]: 'e2e-user-1',
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.1.content': 'Say hello.',
      'gen_ai.completion.0.content': 'Hello from the stub.',
    });
    expect(span.attributes['litellm.call_id']).toBeTypeOf('string');
    expect(span.attributes['litellm.trace_id']).toBeTypeOf('string');
    const duration =
      span.endTime[0] * 1e3 + span.endTime[1] / 1e6 - (span.startTime[0] * 1e3 + span.startTime[1] / 1e6);
    expect(duration).toBeGreaterThan(0);
    expect(duration).toBeLessThan(60_000);
  });

  it('streamed call: time to first token from completion_start_time', () => {
    const spans = replay(`custom-logger-${via}-stream.json`);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes[ATTR.REQUEST_STREAMING]).toBe(true);
    expect(spans[0]?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
    expect(spans[0]?.attributes[ATTR.INCOMPLETE]).toBeUndefined();
  });

  it('tool call: tool definitions and the tool call the model made', () => {
    const spans = replay(`custom-logger-${via}-tool-call.json`);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes).toMatchObject({
      'gen_ai.request.functions.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
      [ATTR.RESPONSE_FINISH_REASON]: 'tool_calls',
    });
  });
});

describe('real LiteLLM 429 with router retries', () => {
  it('proxy: one ERROR span for the call id; the retries (same call id) do not open more spans', () => {
    const spans = replay('custom-logger-proxy-rate-limit-429.json');
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'RateLimitError',
      [ATTR.HTTP_STATUS_CODE]: 429,
      [ATTR.RETRY_ATTEMPT]: 0,
      [ATTR.RETRY_MAX]: 2,
    });
  });

  it('sdk: the sync failure event (sent before the last attempt) ends the one span; later hooks are ignored', () => {
    const spans = replay('custom-logger-sdk-rate-limit-429.json');
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.attributes[ATTR.INCOMPLETE]).toBeUndefined();
    expect(spans[0]?.attributes).toMatchObject({ [ATTR.ERROR_TYPE]: 'RateLimitError', [ATTR.HTTP_STATUS_CODE]: 429 });
  });
});

/**
 * The posts describe the same proxy calls as the CustomLogger captures, and ended call ids are remembered
 * process-wide, so each test gives the payloads fresh ids (nothing else changes).
 */
let run = 0;
function freshIds(body: unknown): unknown {
  run += 1;
  const rename = (payload: Record<string, unknown>) => ({ ...payload, id: `${payload.id}#${run}` });
  return Array.isArray(body) ? body.map(rename) : rename(body as Record<string, unknown>);
}

describe('real generic_api posts', () => {
  it.each(['plain', 'stream', 'tool-call', 'rate-limit-429'])('ingests generic-api-%s.json', (scenario) => {
    const posts: { body: unknown }[] = read(`generic-api-${scenario}.json`).posts;
    const handler = new AgentOpsLiteLLMHandler();
    const summaries = posts.map((post) => handler.logStandardLoggingPayload(freshIds(post.body)));
    handler.close();
    expect(summaries.every((summary) => summary.rejected === 0)).toBe(true);
    const spans = tracing.spans().filter((span) => span.name.endsWith('.llm'));
    expect(spans).toHaveLength(summaries.reduce((sum, summary) => sum + summary.accepted, 0));
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(span.attributes[ATTR.REQUEST_MODEL]).toBe(scenario === 'rate-limit-429' ? 'stub-rate-limit' : 'stub-chat');
      expect(span.status.code).toBe(scenario === 'rate-limit-429' ? 2 : 0);
    }
    if (scenario === 'stream') expect(spans[0]?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
    if (scenario !== 'rate-limit-429') expect(spans[0]?.attributes[ATTR.USAGE_TOTAL_TOKENS]).toBeGreaterThan(0);
  });

  it('ingests the bare standard-logging-payload.json as NDJSON text, once per call', () => {
    const payloads = freshIds(read('standard-logging-payload.json')) as unknown[];
    const ndjson = payloads.map((payload) => JSON.stringify(payload)).join('\n');
    const handler = new AgentOpsLiteLLMHandler();
    expect(handler.logStandardLoggingPayload(ndjson)).toEqual({ accepted: 1, rejected: 0, errors: [] });
    // The same body again (generic_api has no retries, but a proxy in front of us might): no second span.
    expect(handler.logStandardLoggingPayload(ndjson)).toEqual({ accepted: 1, rejected: 0, errors: [] });
    handler.close();
    expect(tracing.spans().filter((span) => span.name === 'stub-chat.llm')).toHaveLength(1);
    expect(handler.stats().duplicates).toBeGreaterThan(0);
  });
});
