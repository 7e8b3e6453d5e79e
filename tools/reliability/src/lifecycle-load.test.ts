import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { agentopsMiddleware } from '@agentops/vercel-ai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { LOAD_CALLS, SEED } from './support/config.ts';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { summarize, writeFigure } from './support/figures.ts';
import {
  chainInputs,
  chainOutputs,
  chatMessages,
  extraParams,
  llmMetadata,
  llmResult,
  serializedChain,
  serializedChatModel,
  serializedTool,
  toolOutput,
} from './support/langchain-payloads.ts';
import { litellmKwargs, litellmResponse, standardPayload } from './support/litellm-payloads.ts';
import { installOtel } from './support/otel.ts';
import { callOptions, generateResult, modelInfo, streamParts } from './support/vercel-payloads.ts';
import { sleep, waitUntil } from './support/wait.ts';

/*
 * Lifecycle under load: LOAD_CALLS calls at once across the three adapters, their events interleaved at random, with
 * out-of-order, duplicate and missing end events and abandoned streams. Idle timeouts are short (TTL_MS), so after
 * them nothing may stay in flight and every span must have ended exactly once.
 */

/** Idle timeout of every adapter: short, so the test is quick, yet well above the gaps between a call's events. */
const TTL_MS = 5000;
const otel = installOtel();
otel.ledger.keep = true;
const diagLog = collectDiag();
const crashes = watchCrashes();
afterAll(async () => {
  crashes.dispose();
  diagLog.dispose();
  await otel.shutdown();
});

const inFlight = { ttlMs: TTL_MS, maxEntries: 100_000 };
const litellm = new AgentOpsLiteLLMHandler({ tracerProvider: otel.provider, mergeWindowMs: 20, inFlight });
const middleware = agentopsMiddleware({ tracerProvider: otel.provider, streamIdleTimeoutMs: TTL_MS, inFlight });
const langchain = new AgentOpsLangChainHandler({ tracerProvider: otel.provider, inFlight });

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed with the same seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Lets other calls run in between: a microtask, a macrotask or a short timer. */
function interleave(): Promise<void> {
  const r = random();
  if (r < 0.4) return Promise.resolve();
  if (r < 0.8) return new Promise((resolve) => setImmediate(resolve));
  return sleep(Math.floor(random() * 40));
}

/** What a scenario expects: the spans it must produce (matched by name) and which of them end incomplete. */
interface Expectation {
  adapter: 'litellm' | 'vercel-ai' | 'langchain';
  scenario: string;
  spans: string[];
  /**
   * Spans that never get an end event, so they must be marked incomplete (by the TTL, or by their root's end). The
   * others must be complete, unless the event loop lagged past the TTL between two of their events: then they end
   * as `expired`, which is counted and reported, not failed (it depends on the machine's load).
   */
  incomplete: string[];
}

const expectations: Expectation[] = [];
const latencies: number[] = [];

// LiteLLM: each call keyed by its call id; the span is `{model}.llm` and carries `litellm.call_id`.
const LITELLM_SCENARIOS = [
  'normal',
  'async-first',
  'success-before-pre',
  'duplicates',
  'failure',
  'missing-end',
  'payload-twice',
] as const;
async function litellmCall(id: string, scenario: (typeof LITELLM_SCENARIOS)[number]): Promise<void> {
  const kwargs = litellmKwargs(id);
  const response = litellmResponse();
  const start = '2026-03-02 09:15:01.250000';
  const end = '2026-03-02 09:15:02.750000';
  const success = () => litellm.logSuccessEvent(kwargs, response, start, end);
  const asyncSuccess = () => litellm.asyncLogSuccessEvent(kwargs, response, start, end);
  const steps: (() => unknown)[] = {
    normal: [() => litellm.logPreApiCall('gpt-4o-mini', kwargs.messages, kwargs), success, asyncSuccess],
    'async-first': [() => litellm.logPreApiCall('gpt-4o-mini', kwargs.messages, kwargs), asyncSuccess, success],
    'success-before-pre': [success, () => litellm.logPreApiCall('gpt-4o-mini', kwargs.messages, kwargs), asyncSuccess],
    duplicates: [success, success, asyncSuccess, () => litellm.logFailureEvent(kwargs, {}, start, end), success],
    failure: [
      () => litellm.logPreApiCall('gpt-4o-mini', kwargs.messages, kwargs),
      () => litellm.logFailureEvent({ ...kwargs, exception: 'RateLimitError: slow down' }, {}, start, end),
      () => litellm.asyncLogFailureEvent(kwargs, {}, start, end),
    ],
    'missing-end': [
      () => litellm.logPreApiCall('gpt-4o-mini', kwargs.messages, kwargs),
      () => litellm.logPostApiCall(kwargs, response, start, end),
    ],
    'payload-twice': [
      () => litellm.logStandardLoggingPayload(standardPayload(id)),
      () => litellm.logStandardLoggingPayload(JSON.stringify(standardPayload(id))),
    ],
  }[scenario];
  expectations.push({
    adapter: 'litellm',
    scenario,
    spans: [`litellm:${id}`],
    incomplete: scenario === 'missing-end' ? [`litellm:${id}`] : [],
  });
  for (const step of steps) {
    await interleave();
    // The adapter's own (synchronous) work; awaiting the async variants would add the event loop's queue.
    const began = performance.now();
    const pending = step();
    latencies.push(performance.now() - began);
    await pending;
  }
}

// Vercel AI: one span per provider call, `{modelId}.llm`.
const VERCEL_SCENARIOS = [
  'generate',
  'generate-error',
  'stream-read',
  'stream-cancel',
  'stream-error',
  'stream-abandoned',
  'stream-half-read',
] as const;
async function vercelCall(id: string, scenario: (typeof VERCEL_SCENARIOS)[number]): Promise<void> {
  const model = { ...modelInfo(), modelId: `model-${id}` };
  const params = callOptions();
  const abandoned = scenario === 'stream-abandoned' || scenario === 'stream-half-read';
  expectations.push({
    adapter: 'vercel-ai',
    scenario,
    spans: [`model-${id}.llm`],
    incomplete: abandoned ? [`model-${id}.llm`] : [],
  });
  await interleave();
  if (scenario === 'generate' || scenario === 'generate-error') {
    const failure = new Error('provider down');
    const doGenerate = async () => {
      await interleave();
      if (scenario === 'generate-error') throw failure;
      return generateResult();
    };
    await middleware.wrapGenerate({ doGenerate, doStream: async () => ({}), params, model }).catch((error: unknown) => {
      expect(error).toBe(failure);
    });
    return;
  }
  const parts = streamParts();
  let index = 0;
  const stream = new ReadableStream<unknown>({
    async pull(controller) {
      await interleave();
      if (scenario === 'stream-error' && index === 5) return controller.error(new Error('connection reset'));
      if (index >= parts.length) return controller.close();
      controller.enqueue(parts[index++]);
    },
  });
  const result = await middleware.wrapStream({
    doGenerate: async () => ({}),
    doStream: async () => ({ stream }),
    params,
    model,
  });
  const reader = (result as { stream: ReadableStream<unknown> }).stream.getReader();
  if (scenario === 'stream-abandoned') return; // never read, never cancelled: the idle timeout ends it
  const limit = scenario === 'stream-cancel' ? 4 : scenario === 'stream-half-read' ? 6 : Number.POSITIVE_INFINITY;
  for (let read = 0; read < limit; read++) {
    await interleave();
    const next = await reader.read().catch(() => ({ done: true }));
    if (next.done) return;
  }
  if (scenario === 'stream-cancel') await reader.cancel('user went away');
  // stream-half-read: stops reading without cancelling, the stream the README calls abandoned.
}

// LangChain: a run tree per call, chain → chat model → tool; names carry the call id.
const LANGCHAIN_SCENARIOS = [
  'in-order',
  'parent-ends-first',
  'duplicate-ends',
  'tool-never-ends',
  'root-never-ends',
  'errors',
  'stream-abandoned',
] as const;
async function langchainCall(id: string, scenario: (typeof LANGCHAIN_SCENARIOS)[number]): Promise<void> {
  const chain = `${id}-chain`;
  const llm = `${id}-llm`;
  const tool = `${id}-tool`;
  const params = extraParams();
  (params.invocation_params as Record<string, unknown>).model = `model-${id}`;
  const startChain = () =>
    langchain.handleChainStart(
      serializedChain() as never,
      chainInputs(),
      chain,
      undefined,
      [],
      {},
      undefined,
      `chain-${id}`,
    );
  const startLlm = () =>
    langchain.handleChatModelStart(
      serializedChatModel() as never,
      chatMessages() as never,
      llm,
      chain,
      params,
      [],
      llmMetadata(),
    );
  const startTool = () =>
    langchain.handleToolStart(
      { ...serializedTool(), name: `tool-${id}` } as never,
      '{"city":"Paris"}',
      tool,
      chain,
      [],
      {},
      `tool-${id}`,
      'call_1',
    );
  const endChain = () => langchain.handleChainEnd(chainOutputs(), chain);
  const endLlm = () => langchain.handleLLMEnd(llmResult() as never, llm);
  const endTool = () => langchain.handleToolEnd(toolOutput(), tool);
  const token = () =>
    langchain.handleLLMNewToken('tok', { prompt: 0, completion: 0 }, llm, chain, [], { chunk: { text: 'tok' } });
  const [c, l, t] = [`chain-${id}.workflow`, `model-${id}.llm`, `tool-${id}.tool`];
  const plans: Record<(typeof LANGCHAIN_SCENARIOS)[number], { steps: (() => unknown)[]; incomplete: string[] }> = {
    'in-order': { steps: [startChain, startLlm, endLlm, startTool, endTool, endChain], incomplete: [] },
    'parent-ends-first': { steps: [startChain, startLlm, startTool, endChain, endTool, endLlm], incomplete: [l, t] },
    'duplicate-ends': {
      steps: [startChain, startLlm, endLlm, endLlm, startTool, endTool, endTool, endChain, endChain],
      incomplete: [],
    },
    'tool-never-ends': { steps: [startChain, startLlm, endLlm, startTool, endChain], incomplete: [t] },
    'root-never-ends': { steps: [startChain, startLlm, token, startTool], incomplete: [c, l, t] },
    errors: {
      steps: [
        startChain,
        startLlm,
        () => langchain.handleLLMError(new Error('rate limited'), llm),
        startTool,
        () => langchain.handleToolError(new Error('tool failed'), tool),
        () => langchain.handleChainError(new Error('gave up'), chain),
      ],
      incomplete: [],
    },
    'stream-abandoned': { steps: [startChain, startLlm, token, token, token, startTool, endTool], incomplete: [c, l] },
  };
  const { steps, incomplete } = plans[scenario];
  expectations.push({ adapter: 'langchain', scenario, spans: [c, l, t], incomplete });
  for (const step of steps) {
    await interleave();
    const began = performance.now();
    step();
    latencies.push(performance.now() - began);
  }
}

/** The core's process-wide registry (a test-only peek at internals: its maps must be empty once all is over). */
function registrySizes(): { entries: number; sessions: number } {
  const registry = (
    globalThis as Record<
      symbol,
      { entries: Map<unknown, { kind: string }>; sessions: { ended: boolean }[] } | undefined
    >
  )[Symbol.for('@agentops/llm-callback-core/registry@2')];
  if (!registry) return { entries: -1, sessions: -1 };
  let entries = 0;
  for (const entry of registry.entries.values()) if (entry.kind !== 'session') entries++;
  return { entries, sessions: registry.sessions.filter((s) => !s.ended).length };
}

describe(`lifecycle under load: ${LOAD_CALLS} concurrent calls across the three adapters`, () => {
  it('ends every span exactly once and leaves nothing in flight after the idle timeouts', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const began = performance.now();
    const calls: Promise<void>[] = [];
    let peakInFlight = 0;
    for (let i = 0; i < LOAD_CALLS; i++) {
      const id = `load-${i}`;
      const adapter = i % 3;
      if (adapter === 0) calls.push(litellmCall(id, pick(LITELLM_SCENARIOS)));
      else if (adapter === 1) calls.push(vercelCall(id, pick(VERCEL_SCENARIOS)));
      else calls.push(langchainCall(id, pick(LANGCHAIN_SCENARIOS)));
    }
    let maxLag = 0;
    let last = performance.now();
    const sampler = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 20);
      last = now;
      peakInFlight = Math.max(peakInFlight, registrySizes().entries);
    }, 20);
    await Promise.all(calls);
    const eventsDoneMs = performance.now() - began;
    const heapPeak = process.memoryUsage().heapUsed;
    // The idle timeouts end what never got an end event (missing ends, abandoned streams, roots that never end).
    await waitUntil(
      () => registrySizes().entries === 0 && otel.ledger.open() === 1,
      60_000,
      () => `${registrySizes().entries} entries in flight, ${otel.ledger.open()} spans open`,
    );
    clearInterval(sampler);
    const drainedMs = performance.now() - began;
    // The one span left is the LiteLLM handler's session; closing the handler ends it.
    litellm.close('Success');

    expect(crashes.crashes).toEqual([]);
    expect(otel.capture.openCount()).toBe(0);
    expect(otel.ledger.open()).toBe(0);
    expect(otel.ledger.duplicateEnds).toEqual([]);
    expect(registrySizes()).toEqual({ entries: 0, sessions: 0 });
    expect(litellm.stats().inFlight).toBe(0);
    expect(langchain.stats()).toMatchObject({ inFlight: 0, handlerEntries: 0 });

    // Exactly one span per call and run, whatever order and duplication its events came in.
    const spans = otel.ledger.takeKept();
    const byKey = new Map<string, ReadableSpan[]>();
    for (const span of spans) {
      const callId = span.attributes['litellm.call_id'];
      const key = typeof callId === 'string' ? `litellm:${callId}` : span.name;
      byKey.set(key, [...(byKey.get(key) ?? []), span]);
    }
    const problems: string[] = [];
    let expectedIncomplete = 0;
    let expiredWhileLive = 0;
    let disturbedCalls = 0;
    for (const expectation of expectations) {
      // A span that expired while its call was still sending events (the loop lagged past the TTL) changes what
      // the rest of the call does (a later child finds no open parent): only the one-span rule applies then.
      const disturbed = expectation.spans.some((name) => {
        const attributes = byKey.get(name)?.[0]?.attributes ?? {};
        return attributes['agentops.span.incomplete_reason'] === 'expired' && !expectation.incomplete.includes(name);
      });
      if (disturbed) disturbedCalls++;
      for (const name of expectation.spans) {
        const found = byKey.get(name) ?? [];
        const where = `${expectation.adapter}/${expectation.scenario} ${name}`;
        if (found.length !== 1) problems.push(`${where}: ${found.length} spans`);
        const attributes = found[0]?.attributes ?? {};
        const incomplete = attributes['agentops.span.incomplete'] === true;
        if (disturbed) {
          if (incomplete && attributes['agentops.span.incomplete_reason'] === 'expired') expiredWhileLive++;
        } else if (expectation.incomplete.includes(name)) {
          expectedIncomplete++;
          if (!incomplete) problems.push(`${where}: got no end event, yet is not marked incomplete`);
        } else if (incomplete) {
          if (attributes['agentops.span.incomplete_reason'] === 'expired') expiredWhileLive++;
          else
            problems.push(
              `${where}: incomplete (${String(attributes['agentops.span.incomplete_reason'])}) despite its end event`,
            );
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(expectations).toHaveLength(LOAD_CALLS);
    const expectedSpans = expectations.reduce((sum, e) => sum + e.spans.length, 0) + 1; // + the LiteLLM session
    expect(spans).toHaveLength(expectedSpans);

    const stats = { litellm: litellm.stats(), langchain: langchain.stats() };
    expect(stats.litellm.duplicates + stats.langchain.duplicates).toBeGreaterThan(0);
    expect(stats.litellm.expired + stats.langchain.expired).toBeGreaterThan(0);
    writeFigure('lifecycle-load', 'npm run test:reliability -- src/lifecycle-load.test.ts', {
      calls: LOAD_CALLS,
      spans: spans.length,
      incompleteSpans: expectedIncomplete,
      liveSpansExpiredByLoopLag: expiredWhileLive,
      callsDisturbedByLoopLag: disturbedCalls,
      maxEventLoopLagMs: Math.round(maxLag),
      peakInFlightEntries: peakInFlight,
      idleTimeoutMs: TTL_MS,
      allEventsDeliveredMs: Math.round(eventsDoneMs),
      allSpansEndedMs: Math.round(drainedMs),
      heapGrowthDuringLoadMB: Math.round(((heapPeak - heapBefore) / 1048576) * 10) / 10,
      perEventAdapterTimeMs: summarize(latencies),
      counters: stats,
      diagWarnings: diagLog.counts.warn,
    });
  });
});
