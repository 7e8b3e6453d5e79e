import { AgentOpsLangChainHandler } from '@agentops/langchain';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, SEED } from './support/config.ts';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { FuzzTally } from './support/fuzz-tally.ts';
import { anything, asCase, describeValue, EXTREMES, junk, mutate, mutateField } from './support/hostile.ts';
import {
  chainInputs,
  chainOutputs,
  chatMessages,
  documents,
  errorLike,
  extraParams,
  llmMetadata,
  llmResult,
  serializedChain,
  serializedChatModel,
  serializedRetriever,
  serializedTool,
  tokenFields,
  toolOutput,
} from './support/langchain-payloads.ts';
import { installOtel } from './support/otel.ts';

const otel = installOtel();
const diagLog = collectDiag();
const crashes = watchCrashes();
const tally = new FuzzTally('langchain');

afterAll(async () => {
  tally.notes.invalidJsonAttributes = otel.ledger.invalidJson;
  tally.print();
  crashes.dispose();
  diagLog.dispose();
  await otel.shutdown();
});

const handler = new AgentOpsLangChainHandler({ tracerProvider: otel.provider, semconv: { genaiLatest: true } });

/** A value from `base()` mutated at any depth, or anything at all. */
const like = (base: object) => fc.oneof({ weight: 4, arbitrary: mutate(base) }, { weight: 1, arbitrary: anything });
const tags = fc.oneof(
  fc.constant(['seq:step:1']),
  fc.constant(['langsmith:hidden']),
  fc.constant('langsmith:hidden'),
  fc.constant(undefined),
  junk,
);
const error = fc.oneof(
  fc.constant(new Error('boom')),
  like(errorLike()),
  anything,
  fc.constant(Object.assign(new TypeError('bad'), { status: 500, response: { headers: { 'x-request-id': 'r' } } })),
);
const text = fc.oneof(fc.string(), junk);

/**
 * Every callback with its runtime argument order (LangChain calls `handleChainStart` with parentRunId in 4th place,
 * whatever its typings say): the positions of runId and parentRunId, and the other arguments.
 */
const CALLBACKS = {
  handleChatModelStart: {
    start: true,
    runId: 2,
    args: fc.tuple(
      like(serializedChatModel()),
      fc.oneof({ weight: 4, arbitrary: mutateField({ m: chatMessages() }, 'm') }, { weight: 1, arbitrary: anything }),
      fc.constant(0),
      fc.constant(0),
      like(extraParams()),
      tags,
      like(llmMetadata()),
      text,
    ),
  },
  handleLLMStart: {
    start: true,
    runId: 2,
    args: fc.tuple(
      like(serializedChatModel()),
      fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anything),
      fc.constant(0),
      fc.constant(0),
      like(extraParams()),
      tags,
      like(llmMetadata()),
      text,
    ),
  },
  handleLLMNewToken: {
    start: false,
    runId: 2,
    args: fc.tuple(
      text,
      fc.oneof(fc.constant({ prompt: 0, completion: 0 }), junk),
      fc.constant(0),
      fc.constant(0),
      tags,
      like(tokenFields()),
    ),
  },
  handleLLMEnd: { start: false, runId: 1, args: fc.tuple(like(llmResult()), fc.constant(0), fc.constant(0), tags) },
  handleLLMError: { start: false, runId: 1, args: fc.tuple(error, fc.constant(0), fc.constant(0), tags) },
  handleChainStart: {
    start: true,
    runId: 2,
    args: fc.tuple(
      like(serializedChain()),
      like(chainInputs()),
      fc.constant(0),
      fc.constant(0),
      tags,
      like(llmMetadata()),
      fc.oneof(fc.constantFrom('prompt', 'parser', undefined), junk),
      text,
      anything,
    ),
  },
  handleChainEnd: {
    start: false,
    runId: 1,
    args: fc.tuple(
      like(chainOutputs()),
      fc.constant(0),
      fc.constant(0),
      tags,
      fc.oneof(fc.constant({ inputs: chainInputs() }), anything),
    ),
  },
  handleChainError: { start: false, runId: 1, args: fc.tuple(error, fc.constant(0), fc.constant(0), tags, anything) },
  handleToolStart: {
    start: true,
    runId: 2,
    args: fc.tuple(
      like(serializedTool()),
      fc.oneof(fc.constant('{"city":"Paris"}'), junk),
      fc.constant(0),
      fc.constant(0),
      tags,
      like(llmMetadata()),
      text,
      fc.oneof(fc.constant('call_1'), junk),
    ),
  },
  handleToolEvent: { start: false, runId: 1, args: fc.tuple(anything, fc.constant(0), fc.constant(0), tags) },
  handleToolEnd: { start: false, runId: 1, args: fc.tuple(like(toolOutput()), fc.constant(0), fc.constant(0), tags) },
  handleToolError: { start: false, runId: 1, args: fc.tuple(error, fc.constant(0), fc.constant(0), tags) },
  handleRetrieverStart: {
    start: true,
    runId: 2,
    args: fc.tuple(like(serializedRetriever()), text, fc.constant(0), fc.constant(0), tags, like(llmMetadata()), text),
  },
  handleRetrieverEnd: {
    start: false,
    runId: 1,
    args: fc.tuple(
      fc.oneof({ weight: 4, arbitrary: mutateField({ d: documents() }, 'd') }, { weight: 1, arbitrary: anything }),
      fc.constant(0),
      fc.constant(0),
      tags,
    ),
  },
  handleRetrieverError: { start: false, runId: 1, args: fc.tuple(error, fc.constant(0), fc.constant(0), tags) },
} as const;
type Callback = keyof typeof CALLBACKS;
const NAMES = Object.keys(CALLBACKS) as Callback[];

/** Which run of the case an invocation is for (0..3), or a junk run id; and its parent (a run, none, or junk). */
const target = fc.record({
  run: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: junk.map((value) => ({ junk: value })) },
  ),
  parent: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: junk.map((value) => ({ junk: value })) },
  ),
});

/** One case: every callback once (with its own target), plus a few repeats, in a random order. */
const script = fc
  .tuple(
    fc.tuple(...NAMES.map((name) => fc.tuple(fc.constant(name), CALLBACKS[name].args, target))),
    fc.array(
      fc.constantFrom(...NAMES).chain((name) => fc.tuple(fc.constant(name), CALLBACKS[name].args, target)),
      { maxLength: 5 },
    ),
    fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
  )
  .map(([each, extra, order]) => {
    const steps = [...each, ...extra];
    for (let i = steps.length - 1; i > 0; i--) {
      const j = (order[i % order.length] ?? 0) % (i + 1);
      [steps[i], steps[j]] = [steps[j] as (typeof steps)[number], steps[i] as (typeof steps)[number]];
    }
    // fast-check prints a failing case: keep it short (values can be huge or 20,000 levels deep).
    Object.defineProperty(steps, fc.toStringMethod, {
      value: () =>
        steps
          .map(
            ([name, args, t]) => `${name}(${args.map((arg) => describeValue(arg, 1)).join(', ')}) @${describeValue(t)}`,
          )
          .join('\n'),
    });
    return steps;
  });

let caseNumber = 0;

function isHidden(value: unknown): boolean {
  try {
    const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    return list.includes('langsmith:hidden');
  } catch {
    return true;
  }
}

describe(`LangChain handler: ${FUZZ_RUNS} generated inputs per callback`, () => {
  it('no callback ever throws, each start with a fresh run id records one span, and every run ends', () => {
    fc.assert(
      fc.property(script, (steps) => {
        const prefix = `lc-${++caseNumber}`;
        const ids = [0, 1, 2, 3].map((n) => `${prefix}-${n}`);
        const used = new Set<string>();
        for (const [name, generated, { run, parent }] of steps) {
          const fuzzCase = asCase([...generated]);
          const args = fuzzCase.args;
          const runId = typeof run === 'number' ? ids[run] : run.junk;
          args[CALLBACKS[name].runId] = runId;
          args[CALLBACKS[name].runId + 1] =
            parent === undefined ? undefined : typeof parent === 'number' ? ids[parent] : parent.junk;
          const before = handler.stats().started;
          const fn = handler[name] as (...a: unknown[]) => unknown;
          tally.timeSync(name, fuzzCase, () => fn.apply(handler, args));
          const started = handler.stats().started - before;
          expect(started).toBeLessThanOrEqual(1);
          // Only our per-case ids are fresh: junk strings repeat across cases, and the core remembers ended keys.
          const fresh = typeof run === 'number' && !used.has(runId as string);
          if (typeof runId === 'string') used.add(runId);
          const tagsAt = name === 'handleChainStart' ? 4 : -1;
          if (CALLBACKS[name].start && fresh && !fuzzCase.trapped && !(tagsAt >= 0 && isHidden(args[tagsAt]))) {
            // Junk may cost attributes, never the span of a run.
            expect(started, `${name} for a fresh run (${diagLog.messages.at(-1)?.text ?? 'no diag'})`).toBe(1);
          }
        }
        // Proper ends for every run (junk string ids are run ids too), children first: whatever the junk did,
        // nothing may stay open or tracked.
        // Twice: a run id the junk used for a hidden chain and a real run needs a second end (a regression test in
        // regressions.test.ts covers that one).
        for (let pass = 0; pass < 2; pass++)
          for (const id of [...used].reverse()) handler.handleChainEnd(chainOutputs(), id);
        const stats = handler.stats();
        expect(stats.inFlight).toBe(0);
        expect(stats.handlerEntries).toBe(0);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED + 30, endOnFailure: true },
    );
    for (const name of NAMES) expect(tally.calls(name)).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(tally.escapes('handle'), 'exceptions thrown into the caller (README defect 6)').toEqual([]);
  });

  it('survives every extreme value in every argument of every callback', () => {
    const bases: Record<Callback, () => unknown[]> = {
      handleChatModelStart: () => [
        serializedChatModel(),
        chatMessages(),
        0,
        undefined,
        extraParams(),
        [],
        llmMetadata(),
        'chat',
      ],
      handleLLMStart: () => [serializedChatModel(), ['prompt'], 0, undefined, extraParams(), [], llmMetadata(), 'llm'],
      handleLLMNewToken: () => ['tok', { prompt: 0, completion: 0 }, 0, undefined, [], tokenFields()],
      handleLLMEnd: () => [llmResult(), 0, undefined, []],
      handleLLMError: () => [new Error('boom'), 0, undefined, []],
      handleChainStart: () => [
        serializedChain(),
        chainInputs(),
        0,
        undefined,
        [],
        llmMetadata(),
        undefined,
        'chain',
        {},
      ],
      handleChainEnd: () => [chainOutputs(), 0, undefined, [], { inputs: chainInputs() }],
      handleChainError: () => [new Error('boom'), 0, undefined, [], {}],
      handleToolStart: () => [
        serializedTool(),
        '{"city":"Paris"}',
        0,
        undefined,
        [],
        llmMetadata(),
        'weather',
        'call_1',
      ],
      handleToolEvent: () => [{ partial: 1 }, 0, undefined, []],
      handleToolEnd: () => [toolOutput(), 0, undefined, []],
      handleToolError: () => [new Error('boom'), 0, undefined, []],
      handleRetrieverStart: () => [serializedRetriever(), 'query', 0, undefined, [], llmMetadata(), 'retriever'],
      handleRetrieverEnd: () => [documents(), 0, undefined, []],
      handleRetrieverError: () => [new Error('boom'), 0, undefined, []],
    };
    let calls = 0;
    const leftOpen: string[] = [];
    for (const name of NAMES) {
      const positions = bases[name]().length;
      for (let position = 0; position < positions; position++) {
        if (position === CALLBACKS[name].runId) continue;
        for (const extreme of EXTREMES) {
          const id = `extreme-${++caseNumber}`;
          const args = bases[name]();
          args[CALLBACKS[name].runId] = id;
          args[position] = extreme;
          // A start first, so that end callbacks meet an open run.
          if (!CALLBACKS[name].start) handler.handleChainStart(serializedChain() as never, chainInputs(), id);
          tally.timeSync(`extreme: ${name}`, asCase(args), () =>
            (handler[name] as (...a: unknown[]) => unknown).apply(handler, args),
          );
          handler.handleChainEnd(chainOutputs(), id);
          const open = handler.stats().inFlight;
          if (open !== 0) leftOpen.push(`${name} argument ${position}: ${describeValue(extreme, 0)}`);
          handler.endAll();
          calls++;
        }
      }
    }
    // A run's end callback ends it, whatever else its arguments held.
    expect(leftOpen).toEqual([]);
    expect(tally.escapes('extreme')).toEqual([]);
    expect(calls).toBeGreaterThan(NAMES.length * EXTREMES.length * 3);
  });

  it('crashed nothing, ended every span once, and wrote valid JSON', () => {
    expect(crashes.crashes).toEqual([]);
    expect(otel.capture.openCount()).toBe(0);
    expect(otel.ledger.open()).toBe(0);
    expect(otel.ledger.duplicateEnds).toEqual([]);
    expect(otel.ledger.invalidJson, 'JSON attributes that do not parse (README defects 2 and 3)').toEqual([]);
    expect(otel.ledger.ended).toBeGreaterThan(FUZZ_RUNS);
  });
});
