import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlm, startMockLlm } from './server.ts';
import { parseSse, readSse } from './sse.ts';
import { isRecord } from './text.ts';

let mock: MockLlm;

beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-secret', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const value: unknown = await response.json();
  if (!isRecord(value)) throw new Error('expected a JSON object');
  return value;
}

/** Path into an unknown JSON value, for terse assertions. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

async function streamedChunks(response: Response): Promise<unknown[]> {
  const events = parseSse(await response.text());
  expect(events.at(-1)?.data).toBe('[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e.data) as unknown);
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer' } },
      required: ['city', 'unit'],
    },
  },
};

describe('GET endpoints', () => {
  it('answers /health and /v1/models', async () => {
    expect(await (await fetch(`http://127.0.0.1:${mock.port}/health`)).json()).toEqual({ status: 'ok' });
    const models = await json(await fetch(`${mock.url}/models`));
    expect(models.object).toBe('list');
    expect(at(models, 'data', 0)).toEqual({ id: 'mock-model', object: 'model', created: 1735689600, owned_by: 'mock' });
    expect(at(await json(await fetch(`${mock.url}/models/gpt-x`)), 'id')).toBe('gpt-x');
  });

  it('answers unknown routes with an OpenAI-shaped 404', async () => {
    const response = await post('/nope', { model: 'm' });
    expect(response.status).toBe(404);
    expect(at(await json(response), 'error', 'message')).toBe('Invalid URL (POST /v1/nope)');
  });
});

describe('POST /v1/chat/completions', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello there world' },
  ];

  it('returns a deterministic completion with word-count usage', async () => {
    const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_mock_1');
    expect(await json(response)).toEqual({
      id: 'chatcmpl-mock-1',
      object: 'chat.completion',
      created: 1735689600,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Echo: hello there world', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 4,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    });
  });

  it('records method, path, body and headers without the authorization header', async () => {
    await post('/chat/completions', { model: 'm', messages }, { 'x-trace': 'abc' });
    const [request] = mock.requests;
    expect(request).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'm',
      status: 200,
      completed: true,
    });
    expect(request?.body).toEqual({ model: 'm', messages });
    expect(request?.headers['x-trace']).toBe('abc');
    expect(request?.headers).not.toHaveProperty('authorization');
    expect(JSON.stringify(mock.requests)).not.toContain('sk-secret');
  });

  it('accepts paths without the /v1 prefix', async () => {
    const response = await fetch(`http://127.0.0.1:${mock.port}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages }),
    });
    expect(at(await json(response), 'choices', 0, 'message', 'content')).toBe('Echo: hello there world');
  });

  it('streams role, content deltas, finish, usage chunk and [DONE]', async () => {
    const response = await post('/chat/completions', {
      model: 'm',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const chunks = await streamedChunks(response);
    expect(at(chunks[0], 'choices', 0, 'delta')).toEqual({ role: 'assistant', content: '', refusal: null });
    const deltas = chunks.slice(1, -2).map((c) => at(c, 'choices', 0, 'delta', 'content'));
    expect(deltas).toEqual(['Echo:', ' hello', ' there', ' world']);
    expect(at(chunks.at(-2), 'choices', 0)).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const last = chunks.at(-1);
    expect(at(last, 'choices')).toEqual([]);
    expect(at(last, 'usage', 'total_tokens')).toBe(9);
    expect(at(last, 'object')).toBe('chat.completion.chunk');
    for (const chunk of chunks.slice(0, -1)) expect(at(chunk, 'usage')).toBeNull();
  });

  it('streams without a usage chunk unless include_usage is set', async () => {
    const chunks = await streamedChunks(await post('/chat/completions', { model: 'm', messages, stream: true }));
    expect(at(chunks.at(-1), 'choices', 0, 'finish_reason')).toBe('stop');
    for (const chunk of chunks) expect(isRecord(chunk) && 'usage' in chunk).toBe(false);
  });

  it('calls the first tool with arguments synthesized from its schema', async () => {
    const body = await json(await post('/chat/completions', { model: 'm', messages, tools: [weatherTool] }));
    expect(at(body, 'choices', 0, 'finish_reason')).toBe('tool_calls');
    expect(at(body, 'choices', 0, 'message')).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      tool_calls: [
        {
          id: 'call_mock_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"mock","unit":"c"}' },
        },
      ],
    });
    expect(at(body, 'usage', 'completion_tokens')).toBe(2);
  });

  it('honours tool_choice none and a forced function', async () => {
    const second = { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } };
    const none = await json(
      await post('/chat/completions', { model: 'm', messages, tools: [weatherTool], tool_choice: 'none' }),
    );
    expect(at(none, 'choices', 0, 'message', 'content')).toBe('Echo: hello there world');
    const forced = await json(
      await post('/chat/completions', {
        model: 'm',
        messages,
        tools: [weatherTool, second],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
      }),
    );
    expect(at(forced, 'choices', 0, 'message', 'tool_calls', 0, 'function')).toEqual({
      name: 'lookup',
      arguments: '{}',
    });
  });

  it('answers with text after a tool result', async () => {
    const body = await json(
      await post('/chat/completions', {
        model: 'm',
        tools: [weatherTool],
        messages: [
          ...messages,
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'Sunny, 21 degrees' },
        ],
      }),
    );
    expect(at(body, 'choices', 0, 'message', 'content')).toBe('Tool result: Sunny, 21 degrees');
    expect(at(body, 'choices', 0, 'finish_reason')).toBe('stop');
    // 5 words before, the arguments string (1 word) and the tool result (3 words).
    expect(at(body, 'usage', 'prompt_tokens')).toBe(9);
  });

  it('streams a tool call: id and name first, then argument fragments', async () => {
    const chunks = await streamedChunks(
      await post(
        '/chat/completions',
        { model: 'm', messages, tools: [weatherTool], stream: true },
        { 'x-mock-tool-args': '{"city":"Paris","unit":"f"}' },
      ),
    );
    expect(at(chunks[1], 'choices', 0, 'delta', 'tool_calls')).toEqual([
      { index: 0, id: 'call_mock_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    const fragments = chunks
      .slice(2, -1)
      .map((c) => at(c, 'choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'));
    expect(fragments).toHaveLength(3);
    expect(fragments.join('')).toBe('{"city":"Paris","unit":"f"}');
    expect(at(chunks.at(-1), 'choices', 0, 'finish_reason')).toBe('tool_calls');
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    const body = await json(await post('/chat/completions', { model: 'm', messages, max_tokens: 2 }));
    expect(at(body, 'choices', 0, 'message', 'content')).toBe('Echo: hello');
    expect(at(body, 'choices', 0, 'finish_reason')).toBe('length');
    expect(at(body, 'usage', 'completion_tokens')).toBe(2);
  });

  it('reports cached and reasoning tokens from the model name or headers', async () => {
    const byName = await json(await post('/chat/completions', { model: 'mock-cached-7-reasoning-3', messages }));
    expect(at(byName, 'usage')).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 7 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
    const byHeader = await json(
      await post(
        '/chat/completions',
        { model: 'm', messages },
        { 'x-mock-cached-tokens': '2', 'x-mock-reasoning-tokens': '1' },
      ),
    );
    expect(at(byHeader, 'usage', 'prompt_tokens_details', 'cached_tokens')).toBe(2);
    expect(at(byHeader, 'usage', 'completion_tokens_details', 'reasoning_tokens')).toBe(1);
  });

  it('streams exactly x-mock-chunks content chunks and records timing directives', async () => {
    const chunks = await streamedChunks(
      await post(
        '/chat/completions',
        { model: 'm', messages, stream: true },
        { 'x-mock-chunks': '6', 'x-mock-ttft-ms': '20', 'x-mock-chunk-delay-ms': '1', 'x-mock-reply': 'one two' },
      ),
    );
    const deltas = chunks.slice(1, -1).map((c) => at(c, 'choices', 0, 'delta', 'content'));
    expect(deltas).toEqual(['one', ' two', ' more', ' more', ' more', ' more']);
    expect(mock.requests[0]?.scenario).toMatchObject({ ttftMs: 20, chunkDelayMs: 1, chunks: 6, reply: 'one two' });
  });

  it('rejects bad JSON and a missing messages array with 400', async () => {
    const bad = await post('/chat/completions', '{not json');
    expect(bad.status).toBe(400);
    expect(at(await json(bad), 'error', 'type')).toBe('invalid_request_error');
    const missing = await post('/chat/completions', { model: 'm' });
    expect(missing.status).toBe(400);
    expect(at(await json(missing), 'error', 'message')).toBe("Missing required parameter: 'messages'.");
  });
});

describe('error scenarios', () => {
  const body = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });

  it('answers model mock-error-429 with an OpenAI error body and retry headers', async () => {
    const response = await post('/chat/completions', body('mock-error-429'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('retry-after-ms')).toBe('10');
    expect(await json(response)).toEqual({
      error: {
        message: 'Rate limit reached for requests (mock). Please try again later.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('answers 500 and header-selected statuses', async () => {
    const server = await post('/chat/completions', body('mock-error-500'));
    expect(server.status).toBe(500);
    expect(at(await json(server), 'error', 'type')).toBe('server_error');
    expect(server.headers.get('retry-after')).toBeNull();
    const auth = await post('/responses', { model: 'm', input: 'x' }, { 'x-mock-error-status': '401' });
    expect(auth.status).toBe(401);
    expect(at(await json(auth), 'error', 'code')).toBe('invalid_api_key');
    const scenario = await post('/embeddings', { model: 'm', input: 'x' }, { 'x-mock-scenario': 'error-503' });
    expect(scenario.status).toBe(503);
    expect(mock.requests.map((r) => r.status)).toEqual([500, 401, 503]);
  });

  it('fails mock-flaky-2 twice with 429, then succeeds; the counter is per model and reset() clears it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/chat/completions', body('mock-flaky-2'))).status);
    expect(statuses).toEqual([429, 429, 200]);
    expect((await post('/chat/completions', body('mock-flaky-2'))).status).toBe(200);
    expect((await post('/chat/completions', body('other-flaky-2'))).status).toBe(429);
    mock.reset();
    expect((await post('/chat/completions', body('mock-flaky-2'))).status).toBe(429);
  });

  it('uses the status given after the count (mock-flaky-1-500) and the x-mock-fail-times header', async () => {
    expect((await post('/chat/completions', body('mock-flaky-1-500'))).status).toBe(500);
    expect((await post('/chat/completions', body('mock-flaky-1-500'))).status).toBe(200);
    const headers = { 'x-mock-fail-times': '1', 'x-mock-fail-status': '503' };
    expect((await post('/chat/completions', body('plain'), headers)).status).toBe(503);
    expect((await post('/chat/completions', body('plain'), headers)).status).toBe(200);
  });
});

describe('broken streams', () => {
  const request = { model: 'm', messages: [{ role: 'user', content: 'a b c d e f' }], stream: true };

  it('hangs after N content chunks until the client aborts (mock-hang-2)', async () => {
    const controller = new AbortController();
    const response = await post('/chat/completions', { ...request, model: 'mock-hang-2' }, {}, controller.signal);
    const seen: string[] = [];
    let aborted = false;
    try {
      for await (const event of readSse(response.body!)) {
        const content = at(JSON.parse(event.data), 'choices', 0, 'delta', 'content');
        if (typeof content === 'string' && content !== '') seen.push(content);
        if (seen.length === 2) controller.abort();
      }
    } catch (error) {
      aborted = (error as Error).name === 'AbortError';
    }
    expect(aborted).toBe(true);
    expect(seen).toEqual(['Echo:', ' a']);
    expect(mock.requests[0]?.completed).toBe(false);
  });

  it('cuts the connection after N content chunks (x-mock-cut-after)', async () => {
    const response = await post('/chat/completions', request, { 'x-mock-cut-after': '1' });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const event of readSse(response.body!)) seen.push(JSON.parse(event.data));
      })(),
    ).rejects.toThrow();
    expect(seen.map((c) => at(c, 'choices', 0, 'delta', 'content'))).toEqual(['', 'Echo:']);
  });

  it('never answers a non-streamed hang; close() still ends it', async () => {
    const controller = new AbortController();
    const pending = post('/chat/completions', { ...request, stream: false, model: 'mock-hang' }, {}, controller.signal);
    await mock.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(mock.requests[0]?.status).toBeUndefined();
  });
});

describe('POST /v1/responses', () => {
  const tool = {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  };

  it('returns a completed response with message output and usage', async () => {
    const body = await json(
      await post('/responses', { model: 'mock-cached-2', instructions: 'Be brief.', input: 'hello there' }),
    );
    expect(body).toMatchObject({
      id: 'resp_mock_1',
      object: 'response',
      status: 'completed',
      model: 'mock-cached-2',
      output: [
        {
          id: 'msg_mock_1',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Echo: hello there', annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 6,
        input_tokens_details: { cached_tokens: 2 },
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 9,
      },
    });
  });

  it('streams the Responses event sequence', async () => {
    const response = await post('/responses', {
      model: 'm',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi you' }] }],
      stream: true,
    });
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const payloads = events.map((e) => JSON.parse(e.data) as unknown);
    expect(payloads.map((p) => at(p, 'sequence_number'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(payloads.slice(4, 7).map((p) => at(p, 'delta'))).toEqual(['Echo:', ' hi', ' you']);
    expect(at(payloads[0], 'response', 'status')).toBe('in_progress');
    expect(at(payloads.at(-1), 'response', 'usage')).toMatchObject({
      input_tokens: 2,
      output_tokens: 3,
      total_tokens: 5,
    });
  });

  it('calls a function, then answers the function_call_output with text', async () => {
    const call = await json(await post('/responses', { model: 'm', input: 'weather?', tools: [tool] }));
    expect(at(call, 'output', 0)).toEqual({
      id: 'fc_mock_1',
      type: 'function_call',
      status: 'completed',
      arguments: '{"city":"mock"}',
      call_id: 'call_mock_1',
      name: 'get_weather',
    });
    const answer = await json(
      await post('/responses', {
        model: 'm',
        tools: [tool],
        input: [
          { role: 'user', content: 'weather?' },
          { type: 'item_reference', id: 'fc_mock_1' },
          { type: 'function_call_output', call_id: 'call_mock_1', output: 'Rainy' },
        ],
      }),
    );
    expect(at(answer, 'output', 0, 'content', 0, 'text')).toBe('Tool result: Rainy');
  });

  it('streams a function call with argument deltas', async () => {
    const events = parseSse(
      await (await post('/responses', { model: 'm', input: 'x', tools: [tool], stream: true })).text(),
    );
    const deltas = events.filter((e) => e.event === 'response.function_call_arguments.delta');
    expect(deltas.map((e) => at(JSON.parse(e.data), 'delta')).join('')).toBe('{"city":"mock"}');
    const added = events.find((e) => e.event === 'response.output_item.added');
    expect(at(JSON.parse(added?.data ?? '{}'), 'item')).toMatchObject({ type: 'function_call', name: 'get_weather' });
  });

  it('marks a max_output_tokens cut as incomplete', async () => {
    const body = await json(await post('/responses', { model: 'm', input: 'a b c d', max_output_tokens: 1 }));
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

describe('POST /v1/embeddings', () => {
  it('returns deterministic unit vectors as floats or base64', async () => {
    const floats = await json(await post('/embeddings', { model: 'e', input: ['a b', 'c'], dimensions: 4 }));
    expect(at(floats, 'usage')).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const first = at(floats, 'data', 0, 'embedding') as number[];
    expect(first).toHaveLength(4);
    expect(Math.hypot(...first)).toBeCloseTo(1, 5);
    expect(at(floats, 'data', 1, 'embedding')).not.toEqual(first);
    const base64 = await json(await post('/embeddings', { model: 'e', input: 'a b', encoding_format: 'base64' }));
    const bytes = Buffer.from(at(base64, 'data', 0, 'embedding') as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toHaveLength(8);
    const again = await json(await post('/embeddings', { model: 'e', input: 'a b', dimensions: 8 }));
    expect(decoded).toEqual(at(again, 'data', 0, 'embedding'));
  });
});
