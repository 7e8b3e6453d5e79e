/*
 * Realistic LangChain.js callback arguments as JSON (the `toJSON()` forms of @langchain/core 1.x serializables), for
 * fuzzing every callback of the handler. See /work/shared/reference/langchain.md.
 */

const lcMessage = (type: string, kwargs: Record<string, unknown>) => ({
  lc: 1,
  type: 'constructor',
  id: ['langchain_core', 'messages', type],
  kwargs,
});

export function serializedChatModel(): Record<string, unknown> {
  return {
    lc: 1,
    type: 'constructor',
    id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'],
    kwargs: { model: 'gpt-4o', temperature: 0.2, openai_api_key: { lc: 1, type: 'secret', id: ['OPENAI_API_KEY'] } },
  };
}

export function chatMessages(): unknown[] {
  return [
    [
      lcMessage('SystemMessage', { content: 'You are terse.' }),
      lcMessage('HumanMessage', {
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
        ],
      }),
      lcMessage('AIMessage', {
        content: '',
        tool_calls: [{ id: 'call_1', name: 'weather', args: { city: 'Paris' }, type: 'tool_call' }],
      }),
      lcMessage('ToolMessage', { content: '{"c":21}', tool_call_id: 'call_1', name: 'weather' }),
    ],
  ];
}

export function extraParams(): Record<string, unknown> {
  return {
    invocation_params: {
      model: 'gpt-4o',
      temperature: 0.2,
      max_tokens: 200,
      stream: true,
      tools: [
        { type: 'function', function: { name: 'weather', description: 'Weather', parameters: { type: 'object' } } },
      ],
      tool_choice: 'auto',
    },
    options: { stop: ['###'] },
    batch_size: 1,
  };
}

export function llmMetadata(): Record<string, unknown> {
  return { ls_provider: 'openai', ls_model_name: 'gpt-4o', ls_model_type: 'chat', ls_temperature: 0.2, session: 's1' };
}

export function llmResult(): Record<string, unknown> {
  return {
    generations: [
      [
        {
          text: 'Sunny.',
          generationInfo: { finish_reason: 'stop' },
          message: lcMessage('AIMessage', {
            content: 'Sunny.',
            id: 'chatcmpl-1',
            tool_calls: [{ id: 'call_2', name: 'weather', args: { city: 'Lyon' }, type: 'tool_call' }],
            usage_metadata: {
              input_tokens: 30,
              output_tokens: 5,
              total_tokens: 35,
              input_token_details: { cache_read: 10 },
              output_token_details: { reasoning: 2 },
            },
            response_metadata: { model_name: 'gpt-4o-2024-08-06', finish_reason: 'stop' },
          }),
        },
      ],
    ],
    llmOutput: { tokenUsage: { promptTokens: 30, completionTokens: 5, totalTokens: 35 }, model_name: 'gpt-4o' },
  };
}

export function serializedChain(): Record<string, unknown> {
  return { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableSequence'] };
}

export function chainInputs(): Record<string, unknown> {
  return { question: 'Weather in Paris?', history: [lcMessage('HumanMessage', { content: 'hi' })] };
}

export function chainOutputs(): Record<string, unknown> {
  return { output: 'Sunny.', messages: [lcMessage('AIMessage', { content: 'Sunny.' })] };
}

export function serializedTool(): Record<string, unknown> {
  return { lc: 1, type: 'not_implemented', id: ['langchain', 'tools', 'DynamicStructuredTool'], name: 'weather' };
}

export function toolOutput(): Record<string, unknown> {
  return lcMessage('ToolMessage', { content: '{"c":21}', tool_call_id: 'call_1', name: 'weather', status: 'success' });
}

export function serializedRetriever(): Record<string, unknown> {
  return { lc: 1, type: 'not_implemented', id: ['langchain', 'retrievers', 'VectorStoreRetriever'] };
}

export function documents(): unknown[] {
  return [
    { pageContent: 'Paris is in France.', metadata: { source: 'wiki' }, id: 'd1' },
    { pageContent: 'Lyon too.', metadata: { source: 'wiki', page: 2 } },
  ];
}

export function tokenFields(): Record<string, unknown> {
  return {
    chunk: {
      text: 'Sun',
      message: lcMessage('AIMessageChunk', {
        content: 'Sun',
        tool_call_chunks: [{ name: 'weather', args: '{"ci', index: 0 }],
      }),
    },
  };
}

export function errorLike(): Record<string, unknown> {
  return {
    name: 'RateLimitError',
    message: 'Rate limit reached',
    status: 429,
    code: 'rate_limit_exceeded',
    lc_error_code: 'MODEL_RATE_LIMIT',
  };
}
