// Defects found by the reliability suite (tools/reliability), pinned here beside the core.
import { afterAll, beforeEach, expect, it } from 'vitest';
import { createLlmSpanRecorder } from './index.js';
import { createRedactor } from './redaction/redactor.js';
import { toSafeJson } from './redaction/safe-json.js';
import { setupTracing } from './test-support/otel.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
const text = (content: string) => [{ type: 'text' as const, content }];

it('a long conversation keeps the completion, the system prompt and the latest messages within 128 attributes', () => {
  const recorder = createLlmSpanRecorder();
  const messages = [
    { role: 'system', parts: text('be brief') },
    ...Array.from({ length: 100 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      parts: text(`message ${i}`),
    })),
  ];
  recorder.startCall({ key: 'long', model: 'm', messages });
  recorder.endCall({
    key: 'long',
    outputs: [{ role: 'assistant', parts: text('the answer') }],
    usage: { inputTokens: 1 },
  });
  const attributes = tracing.spans()[0]?.attributes ?? {};
  expect(Object.keys(attributes).length).toBeLessThanOrEqual(128);
  expect(attributes['gen_ai.completion.0.content']).toBe('the answer');
  expect(attributes['gen_ai.prompt.0.content']).toBe('be brief');
  expect(attributes['gen_ai.prompt.100.content']).toBe('message 99');
  expect(attributes['gen_ai.prompt.1.content']).toBeUndefined();
  expect(attributes['agentops.prompt.omitted_count']).toBeGreaterThan(0);
});

it('keeps every prompt when the limit allows it', () => {
  const recorder = createLlmSpanRecorder({ maxAttributesPerSpan: 1000 });
  const messages = Array.from({ length: 100 }, (_, i) => ({ role: 'user', parts: text(`m${i}`) }));
  recorder.startCall({ key: 'roomy', model: 'm', messages }).end();
  const attributes = tracing.spans()[0]?.attributes ?? {};
  expect(attributes['gen_ai.prompt.0.content']).toBe('m0');
  expect(attributes['agentops.prompt.omitted_count']).toBeUndefined();
});

it('a finish reason named like an Object.prototype member stays valid JSON', () => {
  const recorder = createLlmSpanRecorder({ semconv: { genaiLatest: true } });
  recorder.startCall({ key: 'proto', model: 'm', operation: 'constructor' }).end({
    outputs: [{ role: 'assistant', parts: text('x'), finishReason: 'constructor' }],
    finishReasons: ['toString'],
  });
  const attributes = tracing.spans()[0]?.attributes ?? {};
  expect(JSON.parse(String(attributes['gen_ai.output.messages']))[0].finish_reason).toBe('constructor');
  expect(attributes['gen_ai.response.finish_reasons']).toEqual(['toString']);
  expect(attributes['gen_ai.request.type']).toBe('unknown');
});

it('an array that cannot be read serializes as a marker, and the JSON stays valid', () => {
  const unreadable = new Proxy([1, 2], {
    get(target, property) {
      if (property === 'length') throw new Error('no length');
      return Reflect.get(target, property);
    },
  });
  const json = toSafeJson({ args: unreadable, after: 1 }, createRedactor(), { attribute: 'a', spanKind: 'llm' });
  expect(JSON.parse(json)).toEqual({ args: '[unreadable]', after: 1 });
});

it('redacts secrets and PII in user, session and conversation ids and in tags', () => {
  const recorder = createLlmSpanRecorder({ redaction: { pii: true } });
  recorder
    .startCall({
      key: 'ids',
      model: 'm',
      metadata: {
        userId: 'jane@example.com',
        sessionId: 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX',
        conversationId: '123-45-6789',
        tags: ['ok', 'card 4111 1111 1111 1111'],
      },
    })
    .end();
  const exported = JSON.stringify(tracing.spans()[0]?.attributes);
  for (const secret of ['jane@example.com', 'sk-proj-', '123-45-6789', '4111 1111'])
    expect(exported).not.toContain(secret);
  expect(tracing.spans()[0]?.attributes['agentops.tags']).toEqual(['ok', 'card [REDACTED:payment_card]']);
});

it('sees secrets and PII through percent-encoding', () => {
  const redactor = createRedactor({ pii: true });
  const encoded = encodeURIComponent('Authorization: Bearer abcdefghijklmnop and ssn 123-45-6789');
  const redacted = redactor.redactText(`https://example.com/x?q=${encoded}`, { attribute: 'a', spanKind: 'llm' });
  expect(redacted).not.toContain('abcdefghijklmnop');
  expect(redacted).not.toContain('123-45-6789');
  expect(redacted).toContain('[REDACTED:bearer_token]');
});
