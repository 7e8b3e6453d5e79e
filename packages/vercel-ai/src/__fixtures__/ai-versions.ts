import * as ai7 from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import * as ai5 from 'ai-v5';
import { MockLanguageModelV2 } from 'ai-v5/test';
import * as ai6 from 'ai-v6';
import { MockLanguageModelV3 } from 'ai-v6/test';
import type { AgentOpsMiddleware } from '../types.js';

/*
 * ai@5, ai@6 and ai@7 side by side behind one small interface, so every scenario runs against each major version
 * with that version's own mock model (MockLanguageModelV2 / V3 / V4) and spec shapes. Replies are written once,
 * version-neutrally, and turned into each version's result and stream-part shapes here.
 */

/** What a mock provider call answers, in no particular version's shape. */
export interface Reply {
  text?: string;
  reasoning?: string;
  toolCalls?: { id: string; name: string; input: string }[];
  finish?: 'stop' | 'tool-calls' | 'length';
  usage?: { input: number; output: number; cacheRead?: number; reasoning?: number };
  responseId?: string;
}

export type Spec = 'v2' | 'v3' | 'v4';

/** Arguments passed to the SDK's functions as given; each version types them its own way. */
type Args = Record<string, unknown>;

export interface AiVersion {
  name: 'ai@5' | 'ai@6' | 'ai@7';
  spec: Spec;
  /** A mock model answering each call with the next reply (generate or stream); the last one repeats. */
  model(options: ModelOptions): unknown;
  wrap(model: unknown, middleware: AgentOpsMiddleware): unknown;
  generateText(args: Args): Promise<{ text: string; steps: unknown[] }>;
  streamText(args: Args): {
    textStream: AsyncIterable<string>;
    fullStream: AsyncIterable<unknown>;
    text: PromiseLike<string>;
  };
  generateObject(args: Args): Promise<{ object: unknown }>;
  tool(definition: Args): unknown;
  stepCountIs(count: number): unknown;
  jsonSchema(schema: Args): unknown;
  APICallError: new (options: {
    message: string;
    url: string;
    requestBodyValues: unknown;
    statusCode?: number;
    responseHeaders?: Record<string, string>;
    isRetryable?: boolean;
  }) => Error;
}

export interface ModelOptions {
  modelId?: string;
  /** Each call takes the next step: a reply, or an error to throw. */
  steps: (Reply | Error)[];
  /** Builds the stream for a call instead of the default one (for cut-off and hanging streams). */
  stream?: (parts: unknown[], params: unknown) => ReadableStream<unknown>;
  /** Calls seen, with their params. */
  calls?: unknown[];
}

const timestamp = new Date('2026-01-02T03:04:05.000Z');

function finishReason(spec: Spec, reason: string): unknown {
  return spec === 'v2' ? reason : { unified: reason, raw: reason };
}

function usageOf(spec: Spec, usage: Reply['usage']): unknown {
  const u = usage ?? { input: 10, output: 5 };
  if (spec === 'v2') {
    return {
      inputTokens: u.input,
      outputTokens: u.output,
      totalTokens: u.input + u.output,
      cachedInputTokens: u.cacheRead,
      reasoningTokens: u.reasoning,
    };
  }
  return {
    inputTokens: {
      total: u.input,
      noCache: u.input - (u.cacheRead ?? 0),
      cacheRead: u.cacheRead,
      cacheWrite: undefined,
    },
    outputTokens: { total: u.output, text: u.output - (u.reasoning ?? 0), reasoning: u.reasoning },
  };
}

/** A `doGenerate` result in the version's shape. */
export function generateResult(spec: Spec, reply: Reply): unknown {
  const content: unknown[] = [];
  if (reply.reasoning) content.push({ type: 'reasoning', text: reply.reasoning });
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
  for (const call of reply.toolCalls ?? []) {
    content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input });
  }
  return {
    content,
    finishReason: finishReason(spec, reply.finish ?? (reply.toolCalls ? 'tool-calls' : 'stop')),
    usage: usageOf(spec, reply.usage),
    response: { id: reply.responseId ?? 'resp-1', modelId: 'mock-model-2026', timestamp },
    warnings: [],
  };
}

/** `doStream` parts in the version's shape: framing, reasoning, text in 3-character deltas, tool calls, finish. */
export function streamParts(spec: Spec, reply: Reply): unknown[] {
  const parts: unknown[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: reply.responseId ?? 'resp-1', modelId: 'mock-model-2026', timestamp },
  ];
  if (reply.reasoning) {
    parts.push({ type: 'reasoning-start', id: 'r1' }, { type: 'reasoning-delta', id: 'r1', delta: reply.reasoning });
    parts.push({ type: 'reasoning-end', id: 'r1' });
  }
  if (reply.text !== undefined) {
    parts.push({ type: 'text-start', id: 't1' });
    for (let i = 0; i < reply.text.length; i += 3) {
      parts.push({ type: 'text-delta', id: 't1', delta: reply.text.slice(i, i + 3) });
    }
    parts.push({ type: 'text-end', id: 't1' });
  }
  for (const call of reply.toolCalls ?? []) {
    parts.push({ type: 'tool-input-start', id: call.id, toolName: call.name });
    parts.push({ type: 'tool-input-delta', id: call.id, delta: call.input });
    parts.push({ type: 'tool-input-end', id: call.id });
    parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input });
  }
  parts.push({
    type: 'finish',
    finishReason: finishReason(spec, reply.finish ?? (reply.toolCalls ? 'tool-calls' : 'stop')),
    usage: usageOf(spec, reply.usage),
  });
  return parts;
}

/** A pull stream that hands out the parts one by one, with no delay. */
export function pullStream(parts: readonly unknown[]): ReadableStream<unknown> {
  let index = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (index < parts.length) controller.enqueue(parts[index++]);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

function scripted(spec: Spec, options: ModelOptions) {
  let call = 0;
  const next = (params: unknown): Reply => {
    options.calls?.push(params);
    const step = options.steps[Math.min(call++, options.steps.length - 1)];
    if (step === undefined) throw new Error('no steps');
    if (step instanceof Error) throw step;
    return step;
  };
  return {
    provider: 'mock-provider',
    modelId: options.modelId ?? 'mock-model',
    doGenerate: async (params: unknown) => generateResult(spec, next(params)),
    doStream: async (params: unknown) => {
      const parts = streamParts(spec, next(params));
      return { stream: options.stream ? options.stream(parts, params) : pullStream(parts) };
    },
  };
}

/*
 * The SDK functions are generic over their arguments; the harness hands them loosely typed arguments, so each call
 * goes through one cast at this boundary.
 */
type Loose = (args: never) => unknown;
const call = <R>(fn: Loose, args: Args): R => (fn as unknown as (args: Args) => R)(args);

export const aiVersions: AiVersion[] = [
  {
    name: 'ai@5',
    spec: 'v2',
    model: (options) => new MockLanguageModelV2(scripted('v2', options) as never),
    wrap: (model, middleware) => ai5.wrapLanguageModel({ model: model as MockLanguageModelV2, middleware }),
    generateText: (args) => call(ai5.generateText, args),
    streamText: (args) => call(ai5.streamText, args),
    generateObject: (args) => call(ai5.generateObject, args),
    tool: (definition) => call(ai5.tool, definition),
    stepCountIs: (count) => ai5.stepCountIs(count),
    jsonSchema: (schema) => ai5.jsonSchema(schema),
    APICallError: ai5.APICallError,
  },
  {
    name: 'ai@6',
    spec: 'v3',
    model: (options) => new MockLanguageModelV3(scripted('v3', options) as never),
    wrap: (model, middleware) => ai6.wrapLanguageModel({ model: model as MockLanguageModelV3, middleware }),
    generateText: (args) => call(ai6.generateText, args),
    streamText: (args) => call(ai6.streamText, args),
    generateObject: (args) => call(ai6.generateObject, args),
    tool: (definition) => call(ai6.tool, definition),
    stepCountIs: (count) => ai6.stepCountIs(count),
    jsonSchema: (schema) => ai6.jsonSchema(schema),
    APICallError: ai6.APICallError,
  },
  {
    name: 'ai@7',
    spec: 'v4',
    model: (options) => new MockLanguageModelV4(scripted('v4', options) as never),
    wrap: (model, middleware) => ai7.wrapLanguageModel({ model: model as MockLanguageModelV4, middleware }),
    generateText: (args) => call(ai7.generateText, args),
    streamText: (args) => call(ai7.streamText, args),
    generateObject: (args) => call(ai7.generateObject, args),
    tool: (definition) => call(ai7.tool, definition),
    stepCountIs: (count) => ai7.stepCountIs(count),
    jsonSchema: (schema) => ai7.jsonSchema(schema),
    APICallError: ai7.APICallError,
  },
];
