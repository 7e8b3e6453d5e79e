import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { ATTR } from '@agentops/llm-callback-core';
import { createSpanCapture, type ReadableSpanLike } from '@agentops/llm-callback-core/testing';
import { type MockLlm, startMockLlm } from '@agentops-internal/mock-llm';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLiteLLM, startLiteLLMProxy } from '../../../tools/e2e/litellm.mjs';

// End to end with the REAL LiteLLM proxy (1.82.6, pinned venv provisioned by tools/e2e) in front of tools/mock-llm:
// its generic_api logger posts to the bridge (the built `agentops-litellm-bridge` command, a child process), which
// exports over OTLP gRPC to an in-process receiver. forward_logger.py forwards the raw CustomLogger hook arguments of
// the same calls to this test, which hands them to AgentOpsLiteLLMHandler: both paths must tell the same story.

const app = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'e2e-bridge-token';
const CALLER_TRACE = '5bd66ef5095369c7b0d1f8f4bd33716a';
const CALLER_SPAN = 'c532cb4098ac3dd2';
const PRICE = { input: 0.000002, output: 0.000008 };

let receiver: OtlpReceiver;
let mock: MockLlm;
let bridge: { child: ChildProcess; url: string; stderr: string[]; exit: Promise<number | null> };
let proxy: Awaited<ReturnType<typeof startLiteLLMProxy>>;
let forward: { server: Server; url: string; hooks: string[] };
const capture = createSpanCapture();
const provider = new TracerProvider({ spanProcessors: [capture] });
const handler = new AgentOpsLiteLLMHandler({
  tracerProvider: provider,
  autoSession: false,
  callerSessions: true,
  mergeWindowMs: 300,
});
const timings: Record<string, number> = {};

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

/** Starts the bridge command (which builds dist/ first if needed); resolves once it printed its URL. */
async function startBridgeProcess(env: Record<string, string>): Promise<typeof bridge> {
  const child = spawn(process.execPath, [`${app}bin/agentops-litellm-bridge.js`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /LITELLM_BRIDGE_URL=(\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`the bridge exited (${code}): ${stderr.join('')}`)));
  });
  return { child, url, stderr, exit };
}

/** The test's endpoint for forward_logger.py: each hook goes to the handler method of the same name. */
async function startForwardEndpoint(): Promise<typeof forward> {
  const hooks: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { hook, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        hook: string;
        args: Record<string, unknown>;
      };
      hooks.push(hook);
      const { kwargs, response_obj: response, start_time: start, end_time: end } = args;
      if (hook === 'log_pre_api_call') handler.logPreApiCall(args.model, args.messages, kwargs);
      if (hook === 'log_post_api_call') handler.logPostApiCall(kwargs, response, start, end);
      if (hook === 'log_success_event') handler.logSuccessEvent(kwargs, response, start, end);
      if (hook === 'log_failure_event') handler.logFailureEvent(kwargs, response, start, end);
      if (hook === 'async_log_success_event') void handler.asyncLogSuccessEvent(kwargs, response, start, end);
      if (hook === 'async_log_failure_event') void handler.asyncLogFailureEvent(kwargs, response, start, end);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, hooks };
}

beforeAll(async () => {
  await timed('ensureLiteLLM', () => ensureLiteLLM());
  receiver = await startOtlpReceiver();
  mock = await startMockLlm();
  forward = await startForwardEndpoint();
  bridge = await timed('bridge start', () =>
    startBridgeProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
      AGENTOPS_BRIDGE_PORT: '0',
      AGENTOPS_BRIDGE_AUTH_TOKEN: TOKEN,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    }),
  );
  proxy = await timed('proxy start', () =>
    startLiteLLMProxy({
      configPath: `${app}e2e/proxy-config.yaml`,
      cwd: `${app}e2e`,
      env: {
        AGENTOPS_E2E_OPENAI_API_BASE: mock.url,
        AGENTOPS_E2E_OPENAI_API_KEY: 'sk-dummy-e2e-key',
        AGENTOPS_BRIDGE_ENDPOINT: `${bridge.url}/litellm`,
        AGENTOPS_BRIDGE_AUTHORIZATION: `Bearer ${TOKEN}`,
        AGENTOPS_E2E_FORWARD_URL: forward.url,
        // Post each batch after 1 s instead of 5 s.
        DEFAULT_FLUSH_INTERVAL_SECONDS: '1',
      },
    }),
  );
}, 15 * 60_000);

afterAll(async () => {
  await proxy?.stop();
  if (bridge && bridge.child.exitCode === null) bridge.child.kill('SIGKILL');
  await mock?.close();
  await receiver?.close();
  await new Promise((resolve) => forward?.server.close(resolve));
  handler.close();
  await provider.shutdown();
  process.stderr.write(`[litellm-bridge e2e] timings (ms): ${JSON.stringify(timings)}\n`);
});

interface ChatResult {
  status: number;
  body: { id?: string; usage?: { prompt_tokens: number; completion_tokens: number } };
}

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ChatResult> {
  const response = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (body.stream !== true) return { status: response.status, body: (await response.json()) as ChatResult['body'] };
  // The streamed answer: the id from the chunks, the usage from the last one.
  const text = await response.text();
  const chunks = text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as ChatResult['body']);
  const usage = chunks.map((chunk) => chunk.usage).find(Boolean);
  return { status: response.status, body: { id: chunks[0]?.id, ...(usage && { usage }) } };
}

/**
 * Waits until the bridge has accepted `count` payloads in all. LiteLLM 1.82.6's generic_api logger clears its queue
 * after each POST, also dropping the payloads queued while that POST was in flight (seen in a run of this test), so
 * the calls are paced: the next one starts when the previous payload has arrived, and no payload is ever queued
 * during a POST.
 */
async function waitForAccepted(count: number): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    const health = (await (await fetch(`${bridge.url}/healthz`)).json()) as { accepted: number };
    if (health.accepted >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the bridge did not receive ${count} payloads in 30 s`);
}

const byName = (spans: readonly ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
const seconds = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1e6;

describe('the real LiteLLM proxy → generic_api → bridge → OTLP', () => {
  const results: Record<string, ChatResult> = {};

  it('serves the calls (two in a session, a stream in the caller trace, a rate limit); each payload arrives', async () => {
    const session = { agentops_session_id: 'e2e-session-1', tags: ['e2e'] };
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello to the bridge.' },
    ];
    results.first = await chat({ model: 'mock-gpt', messages, temperature: 0.2, max_tokens: 40, metadata: session });
    await waitForAccepted(1);
    results.second = await chat({
      model: 'mock-gpt',
      messages: [{ role: 'user', content: 'And once more.' }],
      user: 'e2e-user',
      metadata: session,
    });
    await waitForAccepted(2);
    results.stream = await chat(
      {
        model: 'mock-ttft-200',
        messages: [{ role: 'user', content: 'Stream five words back please.' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
    );
    await waitForAccepted(3);
    results.rateLimited = await chat({ model: 'mock-error-429', messages: [{ role: 'user', content: 'Too much.' }] });
    await waitForAccepted(4);
    expect([results.first, results.second, results.stream].map((result) => result.status)).toEqual([200, 200, 200]);
    expect(results.rateLimited?.status).toBe(429);
  });

  it('exports one span per call with model, messages, tokens, cost, TTFT and the 429', async () => {
    const spans = await timed('spans at the receiver', () => receiver.waitForSpans(4, 30_000));
    const [first, second] = byName(spans, 'mock-gpt.llm').sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1,
    );
    const usage = results.first?.body.usage;
    expect(first?.attributes).toMatchObject({
      [ATTR.REQUEST_MODEL]: 'mock-gpt',
      [ATTR.SYSTEM]: 'openai',
      [ATTR.REQUEST_TEMPERATURE]: 0.2,
      [ATTR.REQUEST_MAX_TOKENS]: 40,
      [ATTR.RESPONSE_ID]: results.first?.body.id,
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.1.content': 'Say hello to the bridge.',
      'gen_ai.completion.0.content': 'Echo: Say hello to the bridge.',
      [ATTR.USAGE_PROMPT_TOKENS]: usage?.prompt_tokens,
      [ATTR.USAGE_COMPLETION_TOKENS]: usage?.completion_tokens,
      [ATTR.SESSION_ID_GENERAL]: 'e2e-session-1',
      [ATTR.TAGS]: ['e2e'],
    });
    const cost = (usage?.prompt_tokens ?? 0) * PRICE.input + (usage?.completion_tokens ?? 0) * PRICE.output;
    expect(first?.attributes[ATTR.USAGE_TOTAL_COST]).toBeCloseTo(cost, 12);
    expect(second?.attributes).toMatchObject({
      [ATTR.USER_ID]: 'e2e-user',
      [ATTR.SESSION_ID_GENERAL]: 'e2e-session-1',
    });
    // Both calls of the session share its trace; its session span comes when the session ends.
    expect(second?.traceId).toBe(first?.traceId);
    expect(second?.parentSpanId).toBe(first?.parentSpanId);

    const [stream] = byName(spans, 'mock-ttft-200.llm');
    expect(stream).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN });
    expect(stream?.attributes).toMatchObject({
      [ATTR.REQUEST_STREAMING]: true,
      [ATTR.RESPONSE_ID]: results.stream?.body.id,
      [ATTR.USAGE_COMPLETION_TOKENS]: results.stream?.body.usage?.completion_tokens,
    });
    // The mock waits 200 ms before the first chunk: LiteLLM's completionStartTime says so.
    const ttft = stream?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK] as number;
    expect(ttft).toBeGreaterThanOrEqual(0.2);
    expect(ttft).toBeLessThan(seconds(stream?.endTimeUnixNano ?? '0') - seconds(stream?.startTimeUnixNano ?? '0'));

    const [rateLimited] = byName(spans, 'mock-error-429.llm');
    expect(rateLimited?.status.code).toBe('STATUS_CODE_ERROR');
    expect(rateLimited?.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'RateLimitError',
      [ATTR.HTTP_STATUS_CODE]: 429,
    });
    expect(rateLimited?.parentSpanId).toBe('');

    const text = JSON.stringify(receiver.spans);
    expect(text).not.toContain('sk-dummy-e2e-key');
    expect(text).not.toContain(TOKEN);
  });

  it('SIGTERM: the bridge exits 0 after ending and exporting the open session', async () => {
    bridge.child.kill('SIGTERM');
    expect(await bridge.exit).toBe(0);
    const [session] = byName(receiver.spans, 'litellm.session');
    expect(session?.attributes).toMatchObject({
      'agentops.span.kind': 'session',
      [ATTR.SESSION_ID]: 'e2e-session-1',
      [ATTR.SESSION_END_STATE]: 'Success',
    });
    const children = byName(receiver.spans, 'mock-gpt.llm');
    expect(children.map((span) => span.parentSpanId)).toEqual([session?.spanId, session?.spanId]);
    expect(bridge.stderr.join('')).toContain('stopped: 4 payload(s) accepted, 4 recorded, 0 rejected');
  });

  it('the CustomLogger hooks of the same calls, through AgentOpsLiteLLMHandler, give the same spans', async () => {
    await timed('hooks forwarded', async () => {
      for (let tries = 0; tries < 300; tries++) {
        if (forward.hooks.filter((hook) => hook.startsWith('async_log_')).length >= 4) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    expect(forward.hooks.filter((hook) => hook.startsWith('async_log_')).sort()).toEqual([
      'async_log_failure_event',
      'async_log_success_event',
      'async_log_success_event',
      'async_log_success_event',
    ]);
    handler.close();
    const spans = capture.spans();
    const llm = (name: string) => spans.filter((span) => span.name === name);
    expect(spans.map((span) => span.name).sort()).toEqual([
      'litellm.session',
      'mock-error-429.llm',
      'mock-gpt.llm',
      'mock-gpt.llm',
      'mock-ttft-200.llm',
    ]);
    const exported = receiver.spans;
    const same = (span: ReadableSpanLike | undefined) => {
      const twin = exported.find(
        (other) =>
          other.name === span?.name && other.attributes[ATTR.RESPONSE_ID] === span?.attributes[ATTR.RESPONSE_ID],
      );
      expect(twin, `bridge span for ${span?.name}`).toBeDefined();
      for (const key of [
        ATTR.REQUEST_MODEL,
        ATTR.USAGE_PROMPT_TOKENS,
        ATTR.USAGE_COMPLETION_TOKENS,
        ATTR.USAGE_TOTAL_COST,
        ATTR.ERROR_TYPE,
        ATTR.HTTP_STATUS_CODE,
      ]) {
        expect(span?.attributes[key], key).toEqual(twin?.attributes[key]);
      }
    };
    for (const span of spans.filter((span) => span.name.endsWith('.llm'))) same(span);
    const [stream] = llm('mock-ttft-200.llm');
    expect(stream?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(stream?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(stream?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0.2);
    const session = spans.find((span) => span.name === 'litellm.session');
    expect(llm('mock-gpt.llm').map((span) => span.parentSpanContext?.spanId)).toEqual([
      session?.spanContext().spanId,
      session?.spanContext().spanId,
    ]);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('sk-dummy-e2e-key');
  });
});
