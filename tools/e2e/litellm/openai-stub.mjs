// Tiny OpenAI-compatible stub for proving the LiteLLM proxy wiring and capturing fixtures.
// tools/mock-llm is the real mock; this one only covers the four capture scenarios:
//   - model containing "rate-limit"     → 429 with retry-after: 0 and x-ratelimit-* headers
//   - request with `tools` and no tool result yet → one tool call (finish_reason "tool_calls")
//   - `stream: true`                    → SSE chunks (+ a usage chunk when stream_options.include_usage)
//   - anything else                     → a plain text answer
// Binds 127.0.0.1 only. Deterministic ids (chatcmpl-stub-N).
import { createServer } from 'node:http';

const CREATED = 1767225600; // 2026-01-01T00:00:00Z, fixed so fixtures stay stable

/**
 * @param {{ port?: number, text?: string }} [opts]
 * @returns {Promise<{ url: string, requests: Array<{ path: string, body: unknown }>, close: () => Promise<void> }>}
 */
export async function startOpenAIStub({ port = 0, text = 'Hello from the stub.' } = {}) {
  const requests = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      // keep {}
    }
    requests.push({ path: req.url, body });
    if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    n += 1;
    const id = `chatcmpl-stub-${n}`;
    const model = String(body.model ?? 'stub');
    if (model.includes('rate-limit')) {
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '0',
        'x-ratelimit-limit-requests': '10',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-limit-tokens': '1000',
        'x-ratelimit-remaining-tokens': '0',
      });
      res.end(
        JSON.stringify({
          error: { message: 'Rate limit reached for stub (test)', type: 'requests', code: 'rate_limit_exceeded' },
        }),
      );
      return;
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && !messages.some((m) => m?.role === 'tool');
    const usage = { prompt_tokens: 12, completion_tokens: wantsTool ? 9 : 5, total_tokens: wantsTool ? 21 : 17 };
    const toolCall = wantsTool
      ? {
          id: 'call_stub_1',
          type: 'function',
          function: { name: body.tools[0]?.function?.name ?? 'tool', arguments: '{"city":"Paris"}' },
        }
      : undefined;
    const finish = wantsTool ? 'tool_calls' : 'stop';
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id, object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_stub' };
      const send = (o) => res.write(`data: ${JSON.stringify({ ...base, ...o })}\n\n`);
      send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      if (toolCall) {
        send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }] });
      } else {
        for (const piece of text.split(/(?<= )/)) {
          send({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
        }
      }
      send({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
      if (body.stream_options?.include_usage) send({ choices: [], usage });
      res.end('data: [DONE]\n\n');
      return;
    }
    const message = toolCall
      ? { role: 'assistant', content: null, tool_calls: [toolCall] }
      : { role: 'assistant', content: text };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created: CREATED,
        model,
        system_fingerprint: 'fp_stub',
        choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
        usage,
      }),
    );
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
