/**
 * The trace the demo must produce, asserted the same way whether the spans come from an in-memory capture, the
 * JSON-lines file or Jaeger's query API: each source is first converted to {@link TraceSpan}.
 */
import type { ReadableSpanLike } from '@agentops/llm-callback-core/testing';
import type { SpanRecord } from '@agentops/tracing';
import type { ReceivedSpan } from '@agentops-internal/otlp-receiver';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { expect } from 'vitest';

/** One span, independent of where it was read from. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';
  status: 'UNSET' | 'OK' | 'ERROR';
  /** Start time in nanoseconds since the epoch. */
  startNs: bigint;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

const API_KINDS: Record<number, TraceSpan['kind']> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** A span from an SDK span processor (e.g. `createSpanCapture()`). */
export function fromReadableSpan(span: ReadableSpanLike): TraceSpan {
  const resource = (span as { resource?: { attributes?: Record<string, unknown> } }).resource?.attributes ?? {};
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: span.name,
    kind: API_KINDS[span.kind] ?? 'UNSPECIFIED',
    status:
      span.status.code === SpanStatusCode.ERROR ? 'ERROR' : span.status.code === SpanStatusCode.OK ? 'OK' : 'UNSET',
    startNs: BigInt(span.startTime[0]) * 1_000_000_000n + BigInt(span.startTime[1]),
    attributes: { ...span.attributes },
    resource: { ...resource },
  };
}

/** A line of the `@agentops/tracing` file exporter. */
export function fromSpanRecord(record: SpanRecord): TraceSpan {
  return {
    traceId: record.traceId,
    spanId: record.spanId,
    ...(record.parentSpanId ? { parentSpanId: record.parentSpanId } : {}),
    name: record.name,
    kind: record.kind as TraceSpan['kind'],
    status: record.status.code as TraceSpan['status'],
    startNs: BigInt(record.startTimeUnixNano),
    attributes: record.attributes,
    resource: record.resource,
  };
}

// OTLP's enums (not the OpenTelemetry API's): encoders write them as numbers or as their names.
const OTLP_KINDS: TraceSpan['kind'][] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const OTLP_STATUSES: TraceSpan['status'][] = ['UNSET', 'OK', 'ERROR'];

/** An OTLP span kind (`3`, `SPAN_KIND_CLIENT`) as a name. */
export function otlpKind(kind: number | string | undefined): TraceSpan['kind'] {
  if (typeof kind === 'number') return OTLP_KINDS[kind] ?? 'UNSPECIFIED';
  const name = String(kind ?? '').replace(/^SPAN_KIND_/, '');
  return (OTLP_KINDS as string[]).includes(name) ? (name as TraceSpan['kind']) : 'UNSPECIFIED';
}

/** An OTLP status code (`2`, `STATUS_CODE_ERROR`) as a name. */
export function otlpStatus(code: number | string | undefined): TraceSpan['status'] {
  if (typeof code === 'number') return OTLP_STATUSES[code] ?? 'UNSET';
  const name = String(code ?? '').replace(/^STATUS_CODE_/, '');
  return (OTLP_STATUSES as string[]).includes(name) ? (name as TraceSpan['status']) : 'UNSET';
}

/** A span decoded by the OTLP test receiver (gRPC or HTTP). */
export function fromReceivedSpan(span: ReceivedSpan): TraceSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: otlpKind(span.kind),
    status: otlpStatus(span.status.code),
    startNs: BigInt(span.startTimeUnixNano),
    attributes: { ...span.attributes },
    resource: { ...span.resourceAttributes },
  };
}

/** A span with its children, in start order. */
export interface TraceNode {
  span: TraceSpan;
  children: TraceNode[];
}

/** The span forest: roots are spans whose parent is not among `spans`. */
export function buildTree(spans: readonly TraceSpan[]): TraceNode[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: TraceNode, b: TraceNode) =>
    a.span.startNs < b.span.startNs ? -1 : a.span.startNs > b.span.startNs ? 1 : 0;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

/** The tree as indented names (two spaces per level), with ` ERROR` after failed spans. */
export function renderShape(roots: readonly TraceNode[]): string {
  const lines: string[] = [];
  const visit = (node: TraceNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${node.span.name}${node.span.status === 'ERROR' ? ' ERROR' : ''}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return lines.join('\n');
}

/** The demo's span tree: session → agents / workflow → tasks → LLM and tool spans. */
export const EXPECTED_SHAPE = [
  'travel-assistant.session',
  '  weather-agent.agent',
  '    model_request.task',
  '      gpt-4o-mini.llm',
  '      RunnableLambda.task',
  '    tools.task',
  '      get_weather.tool',
  '    model_request.task',
  '      gpt-4o-mini.llm',
  '      RunnableLambda.task',
  '  budget-planner.agent',
  '    gpt-4o.llm',
  '    convert_currency.tool',
  '    gpt-4o.llm',
  '  ticket-triage.workflow',
  '    gpt-4o.llm',
  '    gpt-4o.llm ERROR',
  '    gpt-4o-mini.llm',
].join('\n');

function walk(roots: readonly TraceNode[]): TraceNode[] {
  const all: TraceNode[] = [];
  const visit = (node: TraceNode) => {
    all.push(node);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return all;
}

function child(node: TraceNode | undefined, name: string, index = 0): TraceNode {
  const found = node?.children.filter((candidate) => candidate.span.name === name)[index];
  if (!found) throw new Error(`no child ${name} #${index} under ${node?.span.name ?? '(none)'}`);
  return found;
}

/** Expected usage per LLM span, in tree order: the mock LLM counts words, so these are exact. */
const LLM_CALLS = [
  { framework: 'langchain', model: 'gpt-4o-mini', input: 19, output: 2, stream: false },
  { framework: 'langchain', model: 'gpt-4o-mini', input: 30, output: 12, stream: false },
  { framework: 'vercel-ai', model: 'gpt-4o', input: 24, output: 2, stream: true },
  { framework: 'vercel-ai', model: 'gpt-4o', input: 30, output: 7, stream: true },
  { framework: 'litellm', model: 'gpt-4o', input: 28, output: 13, stream: false },
  { framework: 'litellm', model: 'gpt-4o', error: 'RateLimitError', stream: false },
  { framework: 'litellm', model: 'gpt-4o-mini', input: 27, output: 13, stream: false },
];

/** Asserts the whole trace of one demo run: structure, parents, kinds, models, usage, tools and errors. */
export function expectDemoTrace(spans: readonly TraceSpan[], expected: { sessionId: string; serviceName: string }) {
  expect(spans.length).toBeGreaterThan(0);
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  const roots = buildTree(spans);
  expect(renderShape(roots)).toBe(EXPECTED_SHAPE);
  const [session] = roots;
  const all = walk(roots);
  for (const node of all) {
    expect(node.span.resource['service.name'], node.span.name).toBe(expected.serviceName);
    expect(node.span.attributes['session.id'], node.span.name).toBe(expected.sessionId);
    const kind = node.span.name.slice(node.span.name.lastIndexOf('.') + 1);
    expect(node.span.attributes['agentops.span.kind'], node.span.name).toBe(kind);
    if (kind !== 'llm') {
      // Any gen_ai.* key makes AgentOps show a span as an LLM call, and usage on parents counts cost twice.
      expect(Object.keys(node.span.attributes).filter((key) => key.startsWith('gen_ai.'))).toEqual([]);
    }
  }

  expect(session?.span.parentSpanId).toBeUndefined();
  expect(session?.span.status).toBe('OK');
  expect(session?.span.attributes).toMatchObject({
    'agentops.session.id': expected.sessionId,
    'agentops.session.end_state': 'Success',
    'agentops.tags': ['demo', 'mock-llm'],
  });

  const langchainAgent = child(session, 'weather-agent.agent');
  expect(langchainAgent.span.attributes).toMatchObject({
    'agent.name': 'weather-agent',
    'agentops.framework': 'langchain',
  });
  expect(child(child(langchainAgent, 'tools.task'), 'get_weather.tool').span.attributes).toMatchObject({
    'tool.name': 'get_weather',
    'tool.id': 'call_mock_1',
    'tool.parameters': '{"city":"Paris"}',
    'tool.result': '18°C, light rain in Paris; clearing up in the evening',
    'tool.status': 'succeeded',
  });

  const aiSdkAgent = child(session, 'budget-planner.agent');
  expect(aiSdkAgent.span.attributes).toMatchObject({ 'agent.name': 'budget-planner' });
  expect(child(aiSdkAgent, 'convert_currency.tool').span.attributes).toMatchObject({
    'tool.name': 'convert_currency',
    'tool.parameters': '{"amount":1200,"from":"EUR","to":"USD"}',
    'tool.result': '1200 EUR = 1296.00 USD',
    'tool.status': 'succeeded',
  });
  // The tool call the model made is the one the tool span records.
  expect(child(aiSdkAgent, 'gpt-4o.llm').span.attributes['gen_ai.completion.0.tool_calls.0.id']).toBe(
    child(aiSdkAgent, 'convert_currency.tool').span.attributes['tool.id'],
  );

  const workflow = child(session, 'ticket-triage.workflow');
  expect(workflow.span.attributes).toMatchObject({ 'agentops.span.kind': 'workflow' });

  const llmSpans = all.filter((node) => node.span.name.endsWith('.llm'));
  expect(llmSpans).toHaveLength(LLM_CALLS.length);
  llmSpans.forEach((node, index) => {
    const call = LLM_CALLS[index];
    const attributes = node.span.attributes;
    const label = `${node.span.name} #${index}`;
    expect(node.children, label).toEqual([]);
    expect(node.span.kind, label).toBe('CLIENT');
    expect(attributes, label).toMatchObject({
      'agentops.framework': call?.framework,
      'gen_ai.system': 'openai',
      'gen_ai.request.model': call?.model,
    });
    // LangChain's `invoke` leaves the streaming flag unset; the AI SDK's streamText sets it.
    expect(attributes['gen_ai.request.streaming'] === true, label).toBe(call?.stream);
    if (call?.error) {
      expect(node.span.status, label).toBe('ERROR');
      expect(attributes, label).toMatchObject({ 'error.type': call.error, 'http.response.status_code': 429 });
      expect(attributes['gen_ai.usage.prompt_tokens'], label).toBeUndefined();
      return;
    }
    expect(node.span.status, label).not.toBe('ERROR');
    expect(attributes, label).toMatchObject({
      'gen_ai.response.model': call?.model,
      'gen_ai.usage.prompt_tokens': call?.input,
      'gen_ai.usage.completion_tokens': call?.output,
      'gen_ai.usage.total_tokens': (call?.input ?? 0) + (call?.output ?? 0),
      'gen_ai.usage.input_tokens': call?.input,
      'gen_ai.usage.output_tokens': call?.output,
    });
  });

  // LiteLLM's cost (the proxy's, gpt-4o prices: 28 × $2.50/M in + 13 × $10/M out) and its router trace id.
  const [triage, rateLimited, fallback] = workflow.children.map((node) => node.span.attributes);
  expect(triage?.['gen_ai.usage.total_cost']).toBeCloseTo(28 * 2.5e-6 + 13 * 10e-6, 12);
  expect(rateLimited?.['litellm.trace_id']).toBe(fallback?.['litellm.trace_id']);
  expect(triage?.['litellm.trace_id']).not.toBe(fallback?.['litellm.trace_id']);
}
