import type { LanguageModelV4GenerateResult, LanguageModelV4Prompt, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { MockLanguageModelV2 } from 'ai-v5/test';
import type { MockLanguageModelV3 } from 'ai-v6/test';

/*
 * The same call as each spec version reports it, typed against that version's own model types so the shapes are
 * exactly what ai@5 (V2), ai@6 (V3) and ai@7 (V4) produce.
 */

type V2GenerateResult = Awaited<ReturnType<MockLanguageModelV2['doGenerate']>>;
type V3GenerateResult = Awaited<ReturnType<MockLanguageModelV3['doGenerate']>>;
type V2Prompt = Parameters<MockLanguageModelV2['doGenerate']>[0]['prompt'];
type V3Prompt = Parameters<MockLanguageModelV3['doGenerate']>[0]['prompt'];
type StreamPartOf<M extends { doStream: (...args: never[]) => unknown }> =
  Awaited<ReturnType<M['doStream']>> extends { stream: ReadableStream<infer P> } ? P : never;
export type V2StreamPart = StreamPartOf<MockLanguageModelV2>;
export type V3StreamPart = StreamPartOf<MockLanguageModelV3>;

const timestamp = new Date('2026-01-02T03:04:05.000Z');

export const v2Generate = {
  content: [
    { type: 'reasoning', text: 'Think.' },
    { type: 'text', text: 'Hello' },
    { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
  ],
  finishReason: 'tool-calls',
  usage: { inputTokens: 10, outputTokens: 7, totalTokens: 17, reasoningTokens: 3, cachedInputTokens: 4 },
  response: { id: 'resp-1', modelId: 'model-2024', timestamp },
  warnings: [{ type: 'unsupported-setting', setting: 'topK' }],
} satisfies V2GenerateResult;

export const v3Generate = {
  content: [
    { type: 'reasoning', text: 'Think.' },
    { type: 'text', text: 'Hello' },
    { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: {
    inputTokens: { total: 10, noCache: 6, cacheRead: 4, cacheWrite: 2 },
    outputTokens: { total: 7, text: 4, reasoning: 3 },
  },
  response: { id: 'resp-1', modelId: 'model-2024', timestamp },
  warnings: [{ type: 'unsupported', feature: 'topK' }],
} satisfies V3GenerateResult;

export const v4Generate = {
  ...v3Generate,
  content: [...v3Generate.content, { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'iVBORw0K' } }],
  warnings: [{ type: 'deprecated', setting: 'topK', message: 'use reasoning' }],
  request: { url: 'https://api.example.com:8443/v1/chat/completions' },
} satisfies LanguageModelV4GenerateResult;

export const v2Prompt = [
  { role: 'system', content: 'Be brief.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this image?' },
      { type: 'file', mediaType: 'image/png', data: new Uint8Array([1, 2, 3]) },
    ],
  },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Paris' } }],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'call-1', toolName: 'weather', output: { type: 'json', value: 21 } }],
  },
] satisfies V2Prompt;

export const v3Prompt = [
  ...v2Prompt.slice(0, 3),
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'call-1', toolName: 'weather', output: { type: 'json', value: 21 } },
      { type: 'tool-approval-response', approvalId: 'a-1', approved: true },
    ],
  },
] satisfies V3Prompt;

export const v4Prompt = [
  { role: 'system', content: 'Be brief.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this image?' },
      { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://example.com/cat.png') } },
      { type: 'file', mediaType: 'application/pdf', data: { type: 'reference', reference: { openai: 'file-123' } } },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Need the weather.' },
      { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Paris' } },
    ],
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId: 'call-1',
        toolName: 'weather',
        output: {
          type: 'content',
          value: [
            { type: 'text', text: 'sunny' },
            { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'AAAA' } },
          ],
        },
      },
    ],
  },
] satisfies LanguageModelV4Prompt;

const v2Finish = {
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 2, reasoningTokens: 1 },
} satisfies V2StreamPart;

const nestedUsage = {
  inputTokens: { total: 10, noCache: 8, cacheRead: 2, cacheWrite: undefined },
  outputTokens: { total: 5, text: 4, reasoning: 1 },
};

/** A streamed answer: reasoning, text in two deltas, a tool call streamed as input, and finish. */
export function v2StreamParts(): V2StreamPart[] {
  return [
    { type: 'stream-start', warnings: [{ type: 'other', message: 'beta' }] },
    { type: 'response-metadata', id: 'resp-s', modelId: 'model-2024', timestamp },
    { type: 'reasoning-start', id: 'r' },
    { type: 'reasoning-delta', id: 'r', delta: 'Hmm.' },
    { type: 'reasoning-end', id: 'r' },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'Hel' },
    { type: 'text-delta', id: 't', delta: 'lo' },
    { type: 'text-end', id: 't' },
    { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
    { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
    { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
    { type: 'tool-input-end', id: 'call-1' },
    { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
    { type: 'raw', rawValue: { anything: true } },
    v2Finish,
  ];
}

export function v3StreamParts(): V3StreamPart[] {
  return [
    ...(v2StreamParts().slice(0, -1) as V3StreamPart[]),
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: nestedUsage },
  ];
}

export function v4StreamParts(): LanguageModelV4StreamPart[] {
  return [
    ...(v3StreamParts().slice(0, -1) as LanguageModelV4StreamPart[]),
    { type: 'ping' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: nestedUsage },
  ];
}
