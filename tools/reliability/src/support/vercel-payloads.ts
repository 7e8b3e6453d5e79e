/*
 * Realistic AI SDK provider payloads (V4 shapes of @ai-sdk/provider 4, with the V2 usage and finish-reason shapes
 * mixed in), for the middleware's wrapGenerate / wrapStream. See /work/shared/reference/vercel-ai.md.
 */

/** Call options as `wrapLanguageModel` hands them to the middleware. */
export function callOptions(): Record<string, unknown> {
  return {
    prompt: [
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Paris?' },
          { type: 'file', mediaType: 'image/png', data: 'aGVsbG8=' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'weather',
            output: { type: 'json', value: { c: 21 } },
          },
        ],
      },
    ],
    temperature: 0.2,
    maxOutputTokens: 300,
    topP: 0.9,
    stopSequences: ['###'],
    seed: 7,
    responseFormat: { type: 'text' },
    tools: [
      {
        type: 'function',
        name: 'weather',
        description: 'Current weather',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ],
    toolChoice: { type: 'auto' },
    headers: { 'x-request-source': 'fuzz' },
    providerOptions: {
      agentops: { sessionId: 'sess-1', userId: 'u-1', tags: ['fuzz'], attributes: { plan: 'pro' } },
      openai: { user: 'u-1' },
    },
  };
}

/** The model the middleware wraps. */
export function modelInfo(): Record<string, unknown> {
  return { specificationVersion: 'v4', provider: 'openai.chat', modelId: 'gpt-4o-mini' };
}

/** A `doGenerate` result (V4, with V3/V4 nested usage). */
export function generateResult(): Record<string, unknown> {
  return {
    content: [
      { type: 'reasoning', text: 'thinking' },
      { type: 'text', text: 'Sunny, 21 °C.' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Lyon"}' },
    ],
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage: {
      inputTokens: { total: 40, noCache: 30, cacheRead: 10, cacheWrite: 0 },
      outputTokens: { total: 12, text: 8, reasoning: 4 },
    },
    warnings: [{ type: 'unsupported', feature: 'topK' }],
    request: { body: '{"model":"gpt-4o-mini"}' },
    response: { id: 'resp_1', modelId: 'gpt-4o-mini-2024-07-18', timestamp: new Date(1767225600000), headers: {} },
    providerMetadata: { openai: { cachedPromptTokens: 10 } },
  };
}

/** V2-shaped usage and finish reason, which the middleware also accepts. */
export function generateResultV2(): Record<string, unknown> {
  return {
    ...generateResult(),
    finishReason: 'stop',
    usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52, cachedInputTokens: 10, reasoningTokens: 4 },
  };
}

/** The parts of a streamed answer: framing, reasoning, text, a tool call built from deltas, finish. */
export function streamParts(): Record<string, unknown>[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp_2', modelId: 'gpt-4o-mini-2024-07-18', timestamp: new Date(1767225600000) },
    { type: 'reasoning-start', id: 'r1' },
    { type: 'reasoning-delta', id: 'r1', delta: 'hmm' },
    { type: 'reasoning-end', id: 'r1' },
    { type: 'text-start', id: 't1' },
    { type: 'text-delta', id: 't1', delta: 'Sunny' },
    { type: 'text-delta', id: 't1', delta: ', 21 °C.' },
    { type: 'text-end', id: 't1' },
    { type: 'tool-input-start', id: 'call_3', toolName: 'weather' },
    { type: 'tool-input-delta', id: 'call_3', delta: '{"city":' },
    { type: 'tool-input-delta', id: 'call_3', delta: '"Nice"}' },
    { type: 'tool-input-end', id: 'call_3' },
    { type: 'tool-call', toolCallId: 'call_3', toolName: 'weather', input: '{"city":"Nice"}' },
    { type: 'raw', rawValue: { anything: true } },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 40 }, outputTokens: { total: 12, reasoning: 4 } },
    },
  ];
}
