/*
 * ai@7 with its own OpenTelemetry integration (`@ai-sdk/otel`) registered as well: where our span goes and which
 * spans carry usage. The README's "AI SDK telemetry" section describes exactly what these tests assert.
 */
import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, spanTree } from '@agentops/llm-callback-core/testing';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { isStepCount, registerTelemetry, streamText, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aiVersions } from './__fixtures__/ai-versions.js';
import { scriptedModel, TOOL_LOOP, tools } from './__fixtures__/telemetry-harness.js';
import { AgentOpsTelemetry, agentopsMiddleware } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined;
});

const ai7 = aiVersions.find((version) => version.name === 'ai@7');
if (ai7 === undefined) throw new Error('ai@7 harness missing');

const usageKeys = [
  ATTR.SPAN_KIND,
  ATTR.USAGE_INPUT_TOKENS,
  ATTR.USAGE_OUTPUT_TOKENS,
  ATTR.USAGE_PROMPT_TOKENS,
  ATTR.USAGE_COMPLETION_TOKENS,
];

function model() {
  return ai7?.wrap(ai7.model({ steps: [{ text: 'Hello', usage: { input: 10, output: 5 } }] }), agentopsMiddleware());
}

/**
 * Span names as an indented outline, with the usage keys each span carries. `byName` orders roots and siblings by
 * name rather than start time (tools run concurrently; integrations start in registration order).
 */
function outline(byName = false): string {
  const lines: string[] = [];
  const visit = (node: ReturnType<typeof spanTree>[number], depth: number) => {
    const keys = Object.keys(node.attributes).sort();
    lines.push(`${'  '.repeat(depth)}${node.name}${keys.length > 0 ? ` {${keys.join(', ')}}` : ''}`);
    const children = byName ? [...node.children].sort((a, b) => a.name.localeCompare(b.name)) : node.children;
    for (const child of children) visit(child, depth + 1);
  };
  const roots = spanTree(tracing.spans(), { attributes: usageKeys });
  if (byName) roots.sort((a, b) => a.name.localeCompare(b.name));
  for (const root of roots) visit(root, 0);
  return lines.join('\n');
}

describe('with @ai-sdk/otel registered (ai@7)', () => {
  it.each([
    ['generateText', () => ai7.generateText({ model: model(), prompt: 'Hi' })],
    ['streamText', () => ai7.streamText({ model: model(), prompt: 'Hi' }).text],
  ])(
    'OpenTelemetry + %s: our span is the leaf under `chat`, and only it has the AgentOps usage keys',
    async (_, run) => {
      registerTelemetry(new OpenTelemetry());
      await run();
      await vi.waitFor(() => expect(tracing.spans()).toHaveLength(4));
      expect(outline()).toBe(
        [
          'invoke_agent mock-model {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
          '  step 1',
          '    chat mock-model {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
          '      mock-model.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
        ].join('\n'),
      );
    },
  );

  it('LegacyOpenTelemetry: our span is the leaf under `ai.generateText.doGenerate`', async () => {
    registerTelemetry(new LegacyOpenTelemetry());
    await ai7.generateText({ model: model(), prompt: 'Hi' });
    expect(outline()).toBe(
      [
        'ai.generateText',
        '  ai.generateText.doGenerate {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
        '    mock-model.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
      ].join('\n'),
    );
  });

  it('without an integration, our span is the only one', async () => {
    await ai7.generateText({ model: model(), prompt: 'Hi' });
    expect(outline()).toBe(
      'mock-model.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
    );
  });
});

describe.each(aiVersions.filter((version) => version.name !== 'ai@7'))('$name with experimental_telemetry', (v) => {
  it('our span is the leaf under `ai.generateText.doGenerate`', async () => {
    const model = v.wrap(
      v.model({ steps: [{ text: 'Hello', usage: { input: 10, output: 5 } }] }),
      agentopsMiddleware(),
    );
    await v.generateText({ model, prompt: 'Hi', experimental_telemetry: { isEnabled: true } });
    expect(outline()).toBe(
      [
        'ai.generateText',
        '  ai.generateText.doGenerate {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
        '    mock-model.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
      ].join('\n'),
    );
  });
});

describe('AgentOpsTelemetry next to @ai-sdk/otel (ai@7)', () => {
  /** Both integrations' trees side by side; roots and siblings by name. */
  const bothTrees = [
    'invoke_agent mock-model-id {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
    '  step 1',
    '    chat mock-model-id {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
    '    execute_tool stocks',
    '    execute_tool weather',
    '  step 2',
    '    chat mock-model-id {gen_ai.usage.input_tokens, gen_ai.usage.output_tokens}',
    'streamText.agent {agentops.span.kind}',
    '  step-0.task {agentops.span.kind}',
    '    mock-model-id.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
    '    stocks.tool {agentops.span.kind}',
    '    weather.tool {agentops.span.kind}',
    '  step-1.task {agentops.span.kind}',
    '    mock-model-id.llm {agentops.span.kind, gen_ai.usage.completion_tokens, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, gen_ai.usage.prompt_tokens}',
  ].join('\n');

  async function run(middleware: boolean): Promise<void> {
    const base = scriptedModel(TOOL_LOOP);
    const model = middleware ? wrapLanguageModel({ model: base, middleware: agentopsMiddleware() }) : base;
    await streamText({ model, prompt: 'Weather?', tools, stopWhen: isStepCount(3) }).text;
    await vi.waitFor(() => expect(tracing.spans().length).toBeGreaterThanOrEqual(14));
  }

  it.each([
    ['AgentOps first', () => [new AgentOpsTelemetry(), new OpenTelemetry()]],
    ['@ai-sdk/otel first', () => [new OpenTelemetry(), new AgentOpsTelemetry()]],
  ])('registered %s: two separate trees; only ours has the AgentOps usage keys', async (_, integrations) => {
    registerTelemetry(...integrations());
    await run(false);
    expect(outline(true)).toBe(bothTrees);
  });

  it('with the middleware too, AgentOps registered first: still one AgentOps LLM span per call', async () => {
    registerTelemetry(new AgentOpsTelemetry(), new OpenTelemetry());
    await run(true);
    expect(outline(true)).toBe(bothTrees);
  });

  it('with the middleware too, @ai-sdk/otel registered first: the middleware adds a span under `chat`', async () => {
    // @ai-sdk/otel then runs the provider call in its own stored context, which drops our mark (README: register
    // AgentOpsTelemetry first).
    registerTelemetry(new OpenTelemetry(), new AgentOpsTelemetry());
    await run(true);
    const chatChildren = spanTree(tracing.spans())
      .flatMap((root) => root.children)
      .flatMap((step) => step.children)
      .filter((span) => span.name.startsWith('chat '))
      .map((chat) => chat.children.map((child) => child.name));
    expect(chatChildren).toEqual([['mock-model-id.llm'], ['mock-model-id.llm']]);
  });
});
