import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { type CorpusItem, SECRET_CORPUS } from '@agentops/llm-callback-core/testing';
import { createOtlpSpanProcessor } from '@agentops/tracing';
import { agentopsMiddleware } from '@agentops/vercel-ai';
import { startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { writeFigure } from './support/figures.ts';
import {
  chainInputs,
  chatMessages,
  extraParams,
  llmMetadata,
  llmResult,
  serializedChain,
  serializedChatModel,
  serializedRetriever,
  serializedTool,
} from './support/langchain-payloads.ts';
import { litellmKwargs, litellmResponse, standardPayload } from './support/litellm-payloads.ts';
import { callOptions, generateResult, modelInfo, streamParts } from './support/vercel-payloads.ts';
import { waitUntil } from './support/wait.ts';

/*
 * Secrets: every entry of the core's SECRET_CORPUS (at least 39 formats: secrets and PII) is injected everywhere a payload
 * can carry it (messages, tool arguments, headers, kwargs and metadata, error messages, URLs, outputs), through each
 * adapter, and exported with @agentops/tracing's real OTLP exporters (gRPC and HTTP/protobuf) to the receiver. The
 * assertion is on the raw request bytes the receiver got, not on span objects: no secret may appear in them.
 * The PII rules are on (`redaction: { pii: true }`), so the PII entries must not appear either.
 */

const diagLog = collectDiag();
const crashes = watchCrashes();
const receiver = await startOtlpReceiver();
const processors = [
  createOtlpSpanProcessor({ protocol: 'grpc', url: receiver.grpcUrl, batch: { scheduledDelayMillis: 100 } }),
  createOtlpSpanProcessor({ protocol: 'http/protobuf', url: receiver.httpUrl, batch: { scheduledDelayMillis: 100 } }),
];
const provider = new TracerProvider({ spanProcessors: processors });
const redaction = { pii: true } as const;
const semconv = { genaiLatest: true } as const;

afterAll(async () => {
  crashes.dispose();
  diagLog.dispose();
  await provider.shutdown();
  await receiver.close();
});

/** Where a value went: the adapter and the place in its payload. */
interface Injection {
  adapter: string;
  place: string;
  item: CorpusItem | undefined;
  canary: string;
}
const injections: Injection[] = [];
let counter = 0;

/** The text to inject: the corpus entry (or all of them), with a canary next to it to prove the place was exported. */
function carrier(adapter: string, place: string, item: CorpusItem | undefined): string {
  const canary = `CANARY${++counter}X`;
  injections.push({ adapter, place, item, canary });
  const text = item ? item.text : SECRET_CORPUS.map((entry) => entry.text).join(' \n ');
  return `${canary} before ${text} after`;
}

/** A URL that carries the entry: itself when it is a URL, else in the path (where tokens end up in real URLs). */
function urlCarrier(adapter: string, place: string, item: CorpusItem | undefined): string {
  const text = carrier(adapter, place, item);
  if (item && /^[a-z]+:\/\//.test(item.text)) return item.text;
  return `https://api.example.com/v1/${text}`;
}

/** Every entry one at a time, then all of them together. */
const EACH: (CorpusItem | undefined)[] = [...SECRET_CORPUS, undefined];

function litellmCalls(): void {
  const handler = new AgentOpsLiteLLMHandler({ tracerProvider: provider, redaction, semconv, mergeWindowMs: 0 });
  for (const item of EACH) {
    const id = `secret-litellm-${++counter}`;
    const k = litellmKwargs(id);
    const messages = k.messages as Record<string, unknown>[];
    (messages[0] as Record<string, unknown>).content = carrier('litellm', 'system message', item);
    ((messages[1] as { content: Record<string, unknown>[] }).content[0] as Record<string, unknown>).text = carrier(
      'litellm',
      'user message',
      item,
    );
    (
      (messages[1] as { content: Record<string, unknown>[] }).content[1] as { image_url: Record<string, unknown> }
    ).image_url.url = urlCarrier('litellm', 'image url', item);
    const call = (messages[2] as { tool_calls: { function: Record<string, unknown> }[] }).tool_calls[0] as {
      function: Record<string, unknown>;
    };
    call.function.arguments = JSON.stringify({ query: carrier('litellm', 'tool arguments (request)', item) });
    (messages[3] as Record<string, unknown>).content = carrier('litellm', 'tool result', item);
    k.api_key = carrier('litellm', 'kwargs.api_key', item);
    k.user = carrier('litellm', 'kwargs.user', item);
    k.headers = {
      authorization: carrier('litellm', 'headers.authorization', item),
      'x-note': carrier('litellm', 'headers.x-note', item),
    };
    const params = k.litellm_params as Record<string, unknown>;
    params.api_base = urlCarrier('litellm', 'api_base url', item);
    params.api_key = carrier('litellm', 'litellm_params.api_key', item);
    params.proxy_server_request = {
      url: urlCarrier('litellm', 'proxy url', item),
      headers: { authorization: carrier('litellm', 'proxy headers', item) },
    };
    const metadata = params.metadata as Record<string, unknown>;
    metadata.tags = [carrier('litellm', 'metadata tag', item)];
    metadata.headers = { 'x-api-key': carrier('litellm', 'metadata headers', item) };
    metadata.requester_metadata = {
      note: carrier('litellm', 'requester metadata', item),
      agentops_session_id: carrier('litellm', 'session id', item),
    };
    (k.optional_params as Record<string, unknown>).user = carrier('litellm', 'optional_params.user', item);
    const payload = k.standard_logging_object as Record<string, unknown>;
    payload.messages = k.messages;
    payload.end_user = carrier('litellm', 'payload end_user', item);
    payload.request_tags = [carrier('litellm', 'payload request tag', item)];
    payload.api_base = urlCarrier('litellm', 'payload api_base', item);
    const response = litellmResponse();
    const choice = (response.choices as { message: Record<string, unknown> }[])[0] as {
      message: Record<string, unknown>;
    };
    choice.message.content = carrier('litellm', 'completion', item);
    (choice.message.tool_calls as { function: Record<string, unknown> }[])[0]!.function.arguments = JSON.stringify({
      q: carrier('litellm', 'tool arguments (response)', item),
    });
    payload.response = response;
    handler.logPreApiCall('gpt-4o-mini', k.messages, k);
    handler.logSuccessEvent(k, response, '2026-03-02 09:15:01', '2026-03-02 09:15:02');

    // A failure with the entry in every error field, through the kwargs path and the payload path.
    const failId = `secret-litellm-fail-${++counter}`;
    const failed = litellmKwargs(failId, false);
    failed.exception = {
      type: 'AuthenticationError',
      message: carrier('litellm', 'exception message', item),
      status_code: 401,
    };
    handler.logFailureEvent(
      failed,
      { error: carrier('litellm', 'failure response object', item) },
      '2026-03-02 09:15:01',
      '2026-03-02 09:15:02',
    );
    const failedPayload = standardPayload(`secret-litellm-slp-${++counter}`, true);
    failedPayload.error_str = carrier('litellm', 'payload error_str', item);
    failedPayload.error_information = {
      error_code: '401',
      error_class: 'AuthenticationError',
      error_message: carrier('litellm', 'payload error_message', item),
      traceback: carrier('litellm', 'payload traceback', item),
    };
    failedPayload.messages = [{ role: 'user', content: carrier('litellm', 'payload message', item) }];
    handler.logStandardLoggingPayload(JSON.stringify(failedPayload));
  }
  handler.close();
}

async function vercelCalls(): Promise<void> {
  const middleware = agentopsMiddleware({
    tracerProvider: provider,
    redaction,
    semconv,
    metadata: { tags: ['secrets'] },
  });
  for (const item of EACH) {
    const params = callOptions();
    const prompt = params.prompt as { content: unknown }[];
    prompt[0]!.content = carrier('vercel-ai', 'system prompt', item);
    const user = prompt[1]!.content as Record<string, unknown>[];
    user[0]!.text = carrier('vercel-ai', 'user text', item);
    user[1] = { type: 'file', mediaType: 'image/png', data: new URL(urlCarrier('vercel-ai', 'file url', item)) };
    ((prompt[2]!.content as Record<string, unknown>[])[0] as Record<string, unknown>).input = {
      query: carrier('vercel-ai', 'tool-call input', item),
    };
    ((prompt[3]!.content as Record<string, unknown>[])[0] as Record<string, unknown>).output = {
      type: 'text',
      value: carrier('vercel-ai', 'tool result', item),
    };
    params.headers = {
      Authorization: carrier('vercel-ai', 'headers.Authorization', item),
      'x-note': carrier('vercel-ai', 'headers.x-note', item),
    };
    (params.tools as Record<string, unknown>[])[0]!.description = carrier('vercel-ai', 'tool description', item);
    params.providerOptions = {
      agentops: {
        userId: carrier('vercel-ai', 'agentops userId', item),
        sessionId: carrier('vercel-ai', 'agentops sessionId', item),
        tags: [carrier('vercel-ai', 'agentops tag', item)],
        attributes: { note: carrier('vercel-ai', 'agentops attribute', item) },
      },
      openai: {
        user: carrier('vercel-ai', 'providerOptions.openai.user', item),
        apiKey: carrier('vercel-ai', 'providerOptions apiKey', item),
      },
    };
    const transformed = await middleware.transformParams({ type: 'generate', params, model: modelInfo() });
    const result = generateResult();
    (result.content as Record<string, unknown>[])[1]!.text = carrier('vercel-ai', 'output text', item);
    (result.content as Record<string, unknown>[])[2]!.input = JSON.stringify({
      q: carrier('vercel-ai', 'output tool-call input', item),
    });
    result.request = {
      body: JSON.stringify({ key: carrier('vercel-ai', 'request body', item) }),
      url: urlCarrier('vercel-ai', 'request url', item),
    };
    result.response = {
      ...(result.response as object),
      headers: { 'set-cookie': carrier('vercel-ai', 'response headers', item) },
    };
    await middleware.wrapGenerate({
      doGenerate: async () => result,
      doStream: async () => ({}),
      params: transformed,
      model: modelInfo(),
    });

    // A provider error carrying the entry in its message, URL, request and response.
    const error = Object.assign(new Error(carrier('vercel-ai', 'error message', item)), {
      name: 'AI_APICallError',
      url: urlCarrier('vercel-ai', 'error url', item),
      statusCode: 401,
      requestBodyValues: { apiKey: carrier('vercel-ai', 'error request body', item) },
      responseBody: carrier('vercel-ai', 'error response body', item),
      responseHeaders: { 'www-authenticate': carrier('vercel-ai', 'error response headers', item) },
      data: { error: { message: carrier('vercel-ai', 'error data', item), code: 'invalid_api_key' } },
    });
    await middleware
      .wrapGenerate({
        doGenerate: async () => Promise.reject(error),
        doStream: async () => ({}),
        params: callOptions(),
        model: modelInfo(),
      })
      .catch(() => undefined);

    // A stream whose deltas and in-stream error carry it.
    const parts = streamParts();
    (parts[6] as Record<string, unknown>).delta = carrier('vercel-ai', 'stream text delta', item);
    (parts[10] as Record<string, unknown>).delta = JSON.stringify({
      q: carrier('vercel-ai', 'stream tool input', item),
    }).slice(0, -1);
    parts.splice(14, 0, { type: 'error', error: new Error(carrier('vercel-ai', 'stream error part', item)) });
    const streamed = await middleware.wrapStream({
      doGenerate: async () => ({}),
      doStream: async () => ({
        stream: new ReadableStream({
          start: (c) => {
            for (const part of parts) c.enqueue(part);
            c.close();
          },
        }),
      }),
      params: callOptions(),
      model: modelInfo(),
    });
    const reader = (streamed as { stream: ReadableStream<unknown> }).stream.getReader();
    while (!(await reader.read()).done) {
      // drain
    }
  }
}

function langchainCalls(): void {
  const handler = new AgentOpsLangChainHandler({ tracerProvider: provider, redaction, semconv });
  for (const item of EACH) {
    const id = `secret-lc-${++counter}`;
    const chain = `${id}-chain`;
    handler.handleChainStart(
      serializedChain() as never,
      { question: carrier('langchain', 'chain input', item), ...chainInputs() },
      chain,
      undefined,
      [carrier('langchain', 'tag', item)],
      { user: carrier('langchain', 'run metadata', item) },
      undefined,
      'secrets',
    );
    const llm = serializedChatModel();
    (llm.kwargs as Record<string, unknown>).openai_api_key = carrier('langchain', 'serialized api key', item);
    (llm.kwargs as Record<string, unknown>).configuration = {
      baseURL: urlCarrier('langchain', 'baseURL', item),
      defaultHeaders: { Authorization: carrier('langchain', 'default headers', item) },
    };
    const messages = chatMessages() as { kwargs: Record<string, unknown> }[][];
    messages[0]![0]!.kwargs.content = carrier('langchain', 'system message', item);
    messages[0]![1]!.kwargs.content = [
      { type: 'text', text: carrier('langchain', 'human message', item) },
      { type: 'image_url', image_url: { url: urlCarrier('langchain', 'image url', item) } },
    ];
    (messages[0]![2]!.kwargs.tool_calls as Record<string, unknown>[])[0]!.args = {
      query: carrier('langchain', 'tool-call args', item),
    };
    messages[0]![3]!.kwargs.content = carrier('langchain', 'tool message', item);
    const params = extraParams();
    (params.invocation_params as Record<string, unknown>).headers = {
      'api-key': carrier('langchain', 'invocation headers', item),
    };
    (params.invocation_params as Record<string, unknown>).user = carrier('langchain', 'invocation user', item);
    handler.handleChatModelStart(llm as never, messages as never, `${id}-llm`, chain, params, [], {
      ...llmMetadata(),
      ls_note: carrier('langchain', 'llm metadata', item),
    });
    handler.handleLLMNewToken(
      carrier('langchain', 'streamed token', item),
      { prompt: 0, completion: 0 },
      `${id}-llm`,
      chain,
      [],
      { chunk: { text: 'x' } },
    );
    const result = llmResult() as { generations: { text: string; message: { kwargs: Record<string, unknown> } }[][] };
    result.generations[0]![0]!.text = carrier('langchain', 'generation text', item);
    result.generations[0]![0]!.message.kwargs.content = carrier('langchain', 'ai message', item);
    (result.generations[0]![0]!.message.kwargs.tool_calls as Record<string, unknown>[])[0]!.args = {
      q: carrier('langchain', 'output tool-call args', item),
    };
    handler.handleLLMEnd(result as never, `${id}-llm`);
    handler.handleLLMStart(
      serializedChatModel() as never,
      [carrier('langchain', 'llm prompt', item)],
      `${id}-text`,
      chain,
      extraParams(),
      [],
      llmMetadata(),
    );
    handler.handleLLMError(
      Object.assign(new Error(carrier('langchain', 'llm error', item)), {
        status: 401,
        response: { headers: { authorization: carrier('langchain', 'error headers', item) } },
      }),
      `${id}-text`,
    );
    handler.handleToolStart(
      serializedTool() as never,
      JSON.stringify({ q: carrier('langchain', 'tool input', item) }),
      `${id}-tool`,
      chain,
      [],
      {},
      'weather',
      'call_1',
    );
    handler.handleToolEnd({ content: carrier('langchain', 'tool output', item), tool_call_id: 'call_1' }, `${id}-tool`);
    handler.handleToolStart(serializedTool() as never, '{}', `${id}-tool2`, chain, [], {}, 'weather', 'call_2');
    handler.handleToolError(new Error(carrier('langchain', 'tool error', item)), `${id}-tool2`);
    handler.handleRetrieverStart(
      serializedRetriever() as never,
      carrier('langchain', 'retriever query', item),
      `${id}-ret`,
      chain,
    );
    handler.handleRetrieverEnd(
      [
        {
          pageContent: carrier('langchain', 'document', item),
          metadata: { source: urlCarrier('langchain', 'document source', item) },
        },
      ] as never,
      `${id}-ret`,
    );
    handler.handleChainError(new Error(carrier('langchain', 'chain error', item)), chain);
  }
}

describe('secrets and PII never reach the exported OTLP bytes', () => {
  it(`injects the ${SECRET_CORPUS.length} corpus entries everywhere in each adapter and finds none in the raw bodies`, async () => {
    expect(SECRET_CORPUS.length).toBeGreaterThanOrEqual(39);
    litellmCalls();
    await vercelCalls();
    langchainCalls();
    for (const processor of processors) await processor.forceFlush();
    await waitUntil(
      () => processors.every((p) => p.exportStats().buffered === 0),
      30_000,
      () => 'spans still buffered',
    );
    const bodies = receiver.rawBodies;
    const transports = receiver.requests.map((request) => request.transport);
    expect(new Set(transports)).toEqual(new Set(['grpc', 'http-protobuf']));
    for (const processor of processors) expect(processor.exportStats().dropped).toBe(0);

    // The places were exported: the canaries next to the entries arrived.
    const all = Buffer.concat(bodies);
    const canaries = injections.filter((injection) => all.includes(injection.canary));
    const placesSeen = new Set(canaries.map((injection) => `${injection.adapter}: ${injection.place}`));
    for (const adapter of ['litellm', 'vercel-ai', 'langchain'])
      expect([...placesSeen].filter((place) => place.startsWith(adapter)).length).toBeGreaterThan(8);

    // The assertion: no secret in the bytes. Leaks are attributed to attributes and places for the report.
    const leakedItems: string[] = [];
    const byPlace = new Map<string, Set<string>>();
    const note = (where: string, item: CorpusItem) => {
      const names = byPlace.get(where) ?? new Set<string>();
      names.add(item.name);
      byPlace.set(where, names);
    };
    for (const item of SECRET_CORPUS) {
      const secret = Buffer.from(item.secret);
      if (!bodies.some((body) => body.includes(secret))) continue;
      leakedItems.push(`${item.kind}: ${item.name}`);
      let attributed = false;
      for (const span of receiver.spans) {
        const values: [string, unknown][] = [
          ...Object.entries(span.attributes),
          ...span.events.flatMap((event) =>
            Object.entries(event.attributes).map(([k, v]): [string, unknown] => [`event ${event.name} ${k}`, v]),
          ),
          ['status message', span.status.message],
          ['span name', span.name],
          ...Object.entries(span.resourceAttributes).map(([k, v]): [string, unknown] => [`resource ${k}`, v]),
        ];
        for (const [key, value] of values) {
          const text = typeof value === 'string' ? value : JSON.stringify(value);
          const at = text?.indexOf(item.secret) ?? -1;
          if (at < 0) continue;
          const canary = /CANARY\d+X/.exec(text.slice(Math.max(0, at - 200), at))?.[0];
          const injection = injections.find((i) => i.canary === canary);
          note(`${key} <- ${injection ? `${injection.adapter}: ${injection.place}` : span.scopeName}`, item);
          attributed = true;
        }
      }
      if (!attributed) note('not in any decoded attribute', item);
    }
    const leaks = [...byPlace].map(
      ([where, names]) =>
        `${where} (${names.size === SECRET_CORPUS.length ? 'every entry' : `${names.size}: ${[...names].slice(0, 4).join(', ')}${names.size > 4 ? ', …' : ''}`})`,
    );
    writeFigure('secrets', 'npm run test:reliability -- src/secrets.test.ts', {
      corpusEntries: SECRET_CORPUS.length,
      injections: injections.length,
      placesExported: placesSeen.size,
      requests: receiver.requests.length,
      rawBytes: all.length,
      leakedEntries: leakedItems,
      leaks,
    });
    expect(leaks, 'secrets or PII in the exported bytes (README defects 10 and 11)').toEqual([]);
    expect(crashes.crashes).toEqual([]);
  });
});
