import { connect } from 'node:net';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, type StartBridgeOptions, startBridge } from '../src/server.ts';
import { forest, fresh, outline, rawExchange, realPayloads } from './helpers.ts';

// HTTP-level tests: the bridge as LiteLLM's generic_api logger sees it, exporting over OTLP gRPC (through
// @agentops/tracing) to a real in-process OTLP receiver. The bodies are real LiteLLM 1.82.6 payloads.

let receiver: OtlpReceiver;
let bridges: Bridge[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => receiver.reset());
afterEach(async () => {
  await Promise.all(bridges.map((bridge) => bridge.shutdown()));
  bridges = [];
});

async function bridge({ tracing, ...options }: StartBridgeOptions = {}): Promise<Bridge> {
  const started = await startBridge({
    port: 0,
    log: () => {},
    tracing: { exporters: ['otlp'], otlp: { url: receiver.grpcUrl }, batch: { scheduledDelayMillis: 50 }, ...tracing },
    ...options,
  });
  bridges.push(started);
  return started;
}

async function post(
  target: Bridge,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${target.url}/litellm`, {
    method: 'POST',
    // What LiteLLM sends for every format.
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ndjson = (payloads: unknown[]) => payloads.map((payload) => JSON.stringify(payload)).join('\n');
const llmSpans = (spans: readonly ReceivedSpan[]) => spans.filter((span) => span.name.endsWith('.llm'));
const scenarios = () => ['plain', 'stream', 'tool-call', 'rate-limit-429'].flatMap((name) => realPayloads(name));

/** The span forest LiteLLM's four captured calls give: the plain call carried a caller session id. */
const EXPECTED_OUTLINE = [
  'litellm.session OK',
  '  stub-chat.llm',
  'stub-chat.llm',
  'stub-chat.llm',
  'stub-rate-limit.llm ERROR',
];

function checkScenarioSpans(spans: readonly ReceivedSpan[]): void {
  const roots = forest(spans);
  expect(outline(roots)).toEqual(EXPECTED_OUTLINE);
  const [session, stream, toolCall, rateLimit] = roots;
  expect(session?.attributes).toMatchObject({ 'agentops.span.kind': 'session', 'session.id': 'session-fixture-1' });
  expect(session?.children[0]?.attributes).toMatchObject({
    'gen_ai.request.model': 'stub-chat',
    'gen_ai.usage.prompt_tokens': 12,
    'gen_ai.usage.completion_tokens': 5,
    'gen_ai.prompt.1.content': 'Say hello.',
    'gen_ai.completion.0.content': 'Hello from the stub.',
    'session.id': 'session-fixture-1',
  });
  expect(stream?.attributes['gen_ai.request.streaming']).toBe(true);
  expect(stream?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  expect(toolCall?.attributes['gen_ai.completion.0.tool_calls.0.name']).toBe('get_weather');
  expect(rateLimit?.attributes).toMatchObject({ 'error.type': 'RateLimitError', 'http.response.status_code': 429 });
  // Each call without a caller trace or session is its own trace; LiteLLM's trace_id is kept for retries.
  expect(new Set(roots.map((root) => root.traceId)).size).toBe(4);
  for (const root of roots.slice(1)) expect(root.attributes['litellm.trace_id']).toBeTypeOf('string');
  expect(spans.every((span) => span.resourceAttributes['service.name'] === 'agentops-litellm-bridge')).toBe(true);
}

describe('formats', () => {
  it('json_array (the default): one POST, 200 with the count, one span per call', async () => {
    const target = await bridge();
    const payloads = scenarios().map((payload) => fresh(payload));
    expect(await post(target, JSON.stringify(payloads))).toEqual({ status: 200, body: { accepted: 4, rejected: 0 } });
    // The four call spans are exported in the next batch; the session span when its session ends (here: shutdown).
    await receiver.waitForSpans(4);
    await target.shutdown();
    checkScenarioSpans(receiver.spans);
  });

  it('ndjson: one payload per line', async () => {
    const target = await bridge();
    const body = ndjson(scenarios().map((payload) => fresh(payload)));
    expect(await post(target, body)).toEqual({ status: 200, body: { accepted: 4, rejected: 0 } });
    await receiver.waitForSpans(4);
    await target.shutdown();
    checkScenarioSpans(receiver.spans);
  });

  it('single: one POST per payload, sent in parallel', async () => {
    const target = await bridge();
    const results = await Promise.all(
      scenarios().map((payload) => post(target, JSON.stringify(fresh(payload), null, 2))),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    await receiver.waitForSpans(4);
    await target.shutdown();
    checkScenarioSpans(receiver.spans);
  });

  it('answers while an export is still waiting for the collector (the answer never waits for export)', async () => {
    const target = await bridge({ tracing: { otlp: { url: receiver.grpcUrl, timeoutMillis: 1_000 } } });
    receiver.setBehaviour({ delayMs: 30_000 });
    const first = scenarios().map((payload) => fresh(payload));
    expect(await post(target, JSON.stringify(first))).toEqual({ status: 200, body: { accepted: 4, rejected: 0 } });
    // The first batch has reached the collector, which holds its answer far past the end of this test.
    await receiver.waitForRequests(1);
    const second = scenarios().map((payload) => fresh(payload));
    expect(await post(target, JSON.stringify(second))).toEqual({ status: 200, body: { accepted: 4, rejected: 0 } });
    expect(receiver.requests.every((request) => request.status === 200)).toBe(true);
    expect(target.stats()).toMatchObject({ accepted: 8 });
    // Once the collector answers again, everything accepted is delivered (the held attempt times out and is re-sent).
    receiver.setBehaviour({});
    await target.shutdown();
    const ids = new Set(llmSpans(receiver.spans).map((span) => span.attributes['litellm.call_id']));
    expect(ids.size).toBe(8);
  });

  it('records a payload posted twice once', async () => {
    const target = await bridge();
    const payload = fresh(realPayloads('stream')[0] as Record<string, unknown>);
    await post(target, JSON.stringify([payload]));
    await post(target, JSON.stringify([payload]));
    await receiver.waitForSpans(1);
    expect(target.stats()).toMatchObject({ accepted: 2, recorded: 2 });
    await target.shutdown();
    expect(llmSpans(receiver.spans)).toHaveLength(1);
  });
});

describe('status codes', () => {
  it('401 without the configured bearer token, and nothing is recorded', async () => {
    const target = await bridge({ authToken: 's3cret-token' });
    const body = JSON.stringify([fresh(realPayloads('plain')[0] as Record<string, unknown>)]);
    const missing = await fetch(`${target.url}/`, { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(target, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(target, body, { authorization: 's3cret-token' })).status).toBe(401);
    expect(target.stats()).toMatchObject({ accepted: 0, responses: { 401: 3 } });
    expect(await post(target, body, { authorization: 'Bearer s3cret-token' })).toMatchObject({ status: 200 });
    await target.shutdown();
    expect(llmSpans(receiver.spans)).toHaveLength(1);
  });

  it('413 over the body limit, declared or streamed', async () => {
    const target = await bridge({ maxBodyBytes: 4096 });
    const big = JSON.stringify([fresh(realPayloads('plain')[0] as Record<string, unknown>)]);
    expect(big.length).toBeGreaterThan(4096);
    const declared = await post(target, big);
    expect(declared).toMatchObject({ status: 413, body: { error: 'the body is larger than 4096 bytes' } });
    // Chunked, so the size is only known while reading.
    const chunks = [big.slice(0, 3000), big.slice(3000)];
    const streamed = await fetch(`${target.url}/`, {
      method: 'POST',
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: 'half',
    } as RequestInit).then(
      (response) => response.status,
      // The bridge may close the connection before the client finished sending: that is a refusal too.
      () => 413,
    );
    expect(streamed).toBe(413);
    // Both were refused by the bridge itself, whatever the client saw.
    expect(target.stats()).toMatchObject({ accepted: 0, responses: { 413: 2 } });
    expect((await post(target, '[]')).status).toBe(400);
  });

  it('400 with the reasons for a body without payloads', async () => {
    const target = await bridge();
    expect(await post(target, 'not json at all')).toEqual({
      status: 400,
      body: { error: 'the body holds no LiteLLM payload', accepted: 0, rejected: 1, errors: ['line 1: invalid JSON'] },
    });
    expect((await post(target, '{"hello":"world"}')).body.errors).toEqual([
      'item 0: not a LiteLLM payload (no id, model or call_type)',
    ]);
    expect((await post(target, '')).body.errors).toEqual(['empty body']);
  });

  it('415 for a compressed body (LiteLLM never compresses)', async () => {
    const target = await bridge();
    const answer = await post(target, '[]', { 'content-encoding': 'gzip' });
    expect(answer).toEqual({ status: 415, body: { error: 'unsupported content-encoding "gzip"' } });
  });

  it('207 for a mixed batch: the valid payloads are recorded, the rest reported', async () => {
    const target = await bridge();
    const [plain, stream] = [realPayloads('plain')[0], realPayloads('stream')[0]].map((payload) =>
      fresh(payload as Record<string, unknown>),
    );
    const body = [JSON.stringify(plain), '{"id": "cut-off', 'null', JSON.stringify(stream)].join('\n');
    expect(await post(target, body)).toEqual({
      status: 207,
      body: { accepted: 2, rejected: 2, errors: ['line 2: invalid JSON', 'item 1: not a payload object'] },
    });
    await receiver.waitForSpans(2);
    await target.shutdown();
    expect(outline(forest(receiver.spans))).toEqual(['litellm.session OK', '  stub-chat.llm', 'stub-chat.llm']);
  });

  it('405 for other methods, and the health endpoint with counters', async () => {
    const target = await bridge();
    const wrongMethod = await fetch(`${target.url}/litellm`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    await post(target, JSON.stringify([fresh(realPayloads('stream')[0] as Record<string, unknown>)]));
    await receiver.waitForSpans(1);
    const health = await fetch(`${target.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      accepted: 1,
      queued: 0,
      recorded: 1,
      responses: { 200: 1, 405: 1 },
      export: { dropped: 0 },
    });
  });

  it('503 when the queue of accepted payloads is full', async () => {
    const target = await bridge({ maxQueuedPayloads: 1 });
    const two = JSON.stringify(
      realPayloads('stream')
        .concat(realPayloads('plain'))
        .map((payload) => fresh(payload)),
    );
    expect(await post(target, two)).toEqual({
      status: 503,
      body: { error: 'the bridge is overloaded (queue full)', accepted: 0, rejected: 2 },
    });
  });
});

describe('startup', () => {
  it('rejects when the port is taken', async () => {
    const first = await bridge();
    await expect(bridge({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('slow clients', () => {
  it('408 and a closed connection when the body does not arrive in time; other clients are served', async () => {
    const target = await bridge({ requestTimeoutMs: 300, headersTimeoutMs: 300 });
    const stalled = rawExchange(
      target.url,
      'POST /litellm HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n[{"id":',
    );
    const headersOnly = rawExchange(target.url, 'POST /litellm HTTP/1.1\r\nhost: x\r\n');
    expect((await post(target, JSON.stringify(realPayloads('stream').map((payload) => fresh(payload))))).status).toBe(
      200,
    );
    expect(await stalled).toMatch(/^HTTP\/1\.1 408 /);
    expect(await headersOnly).toMatch(/^HTTP\/1\.1 408 /);
    expect(target.stats()).toMatchObject({ accepted: 1, rejected: 0 });
  });
});

describe('graceful shutdown', () => {
  it('records and exports everything accepted before it, then refuses', async () => {
    // A long batch delay: without the shutdown flush nothing would be exported yet.
    const target = await bridge({ tracing: { batch: { scheduledDelayMillis: 60_000 } } });
    const payloads = scenarios().map((payload) => fresh(payload));
    const answer = post(target, ndjson(payloads));
    expect(await answer).toMatchObject({ status: 200 });
    await target.shutdown();
    checkScenarioSpans(receiver.spans);
    await expect(post(target, ndjson(payloads))).rejects.toThrow();
  });

  it('still accepts a request that was in progress when the shutdown began', async () => {
    const target = await bridge();
    const body = JSON.stringify(realPayloads('tool-call').map((payload) => fresh(payload)));
    const socket = connect({ host: '127.0.0.1', port: target.port });
    let answer = '';
    socket.setEncoding('utf8').on('data', (text: string) => {
      answer += text;
    });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    // The bridge has the request open once its headers were parsed; then the shutdown begins.
    const opened = new Promise((resolve) => target.server.once('request', resolve));
    socket.write(`POST /litellm HTTP/1.1\r\nhost: x\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body.slice(0, 100));
    await opened;
    const stopping = target.shutdown();
    socket.write(body.slice(100));
    await closed;
    await stopping;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('connection: close');
    expect(llmSpans(receiver.spans).map((span) => span.name)).toEqual(['stub-chat.llm']);
  });

  it('answers 503 on the health endpoint while shutting down', async () => {
    const target = await bridge();
    const stopping = target.shutdown();
    const health = await fetch(`${target.url}/healthz`).then(
      (response) => response.status,
      () => 'refused',
    );
    await stopping;
    // The listener may already be closed (refused) or still answer: never 200.
    expect([503, 'refused']).toContain(health);
  });
});

describe('caller traces and sessions', () => {
  const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const CALLER_SPAN = '00f067aa0ba902b7';

  it('joins the caller trace from the traceparent header that LiteLLM copied into requester_metadata.headers', async () => {
    const target = await bridge();
    const [base] = realPayloads('tool-call') as [Record<string, unknown>];
    const requester = (base.metadata as Record<string, Record<string, unknown>>).requester_metadata;
    const headers = { ...(requester?.headers as object), traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` };
    await post(target, JSON.stringify([fresh(base, { headers })]));
    const [span] = await receiver.waitForSpans(1);
    expect(span).toMatchObject({ name: 'stub-chat.llm', traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN });
  });

  it('AGENTOPS_BRIDGE_JOIN_TRACEPARENT=false: the call stays its own trace', async () => {
    const target = await bridge({ joinTraceparent: false });
    const [base] = realPayloads('tool-call') as [Record<string, unknown>];
    await post(target, JSON.stringify([fresh(base, { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` })]));
    const [span] = await receiver.waitForSpans(1);
    expect(span?.traceId).not.toBe(CALLER_TRACE);
    expect(span?.parentSpanId).toBe('');
  });

  it('groups calls with the same agentops_session_id under one session span, across batches', async () => {
    const target = await bridge({ tags: ['proxy'] });
    const [stream, toolCall, plain] = ['stream', 'tool-call', 'plain'].map(
      (name) => realPayloads(name)[0] as Record<string, unknown>,
    ) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    await post(target, JSON.stringify([fresh(stream, { agentops_session_id: 'sess-42' }), fresh(plain, {})]));
    await post(
      target,
      JSON.stringify([fresh(toolCall, { headers: { 'x-agentops-session-id': 'sess-42', 'user-agent': 'node' } })]),
    );
    await receiver.waitForSpans(3);
    await target.shutdown();
    const roots = forest(receiver.spans);
    // Roots by start time: the call without a session started first (LiteLLM's capture order).
    expect(outline(roots)).toEqual(['stub-chat.llm', 'litellm.session OK', '  stub-chat.llm', '  stub-chat.llm']);
    const session = roots[1];
    expect(session?.attributes).toMatchObject({
      'agentops.session.id': 'sess-42',
      'agentops.tags': ['proxy'],
      'agentops.session.end_state': 'Success',
    });
    expect(session?.children.map((child) => child.traceId)).toEqual([session?.traceId, session?.traceId]);
    expect(roots[0]?.traceId).not.toBe(session?.traceId);
  });
});
