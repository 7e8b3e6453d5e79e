import { type AttributeValue, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { READ_ATTR } from './attributes.js';
import { hrTimeToMillis, parentSpanIdOf } from './span-json.js';

/** Options of the waterfall text. */
export interface WaterfallOptions {
  /** Characters in the timeline bar. @default 30 */
  barWidth?: number;
  /** Longest span label (tree + name) before it is cut with `…`. @default 56 */
  maxLabelWidth?: number;
}

interface Node {
  span: ReadableSpan;
  start: number;
  end: number;
  children: Node[];
}

interface Row {
  label: string;
  duration: string;
  bar: string;
  details: string;
}

function num(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The AgentOps kind of a span: `agentops.span.kind`, else the name's suffix after the last dot. */
export function spanKindOf(span: ReadableSpan): string | undefined {
  const fromAttribute = str(span.attributes[READ_ATTR.SPAN_KIND]);
  if (fromAttribute !== undefined) return fromAttribute;
  const dot = span.name.lastIndexOf('.');
  return dot > 0 && dot < span.name.length - 1 ? span.name.slice(dot + 1) : undefined;
}

/** Token usage of a span, from the AgentOps keys or the GenAI keys. */
export function usageOf(span: ReadableSpan): { input?: number; output?: number; cost?: number } {
  const a = span.attributes;
  const input = num(a[READ_ATTR.USAGE_PROMPT_TOKENS]) ?? num(a[READ_ATTR.USAGE_INPUT_TOKENS]);
  const output = num(a[READ_ATTR.USAGE_COMPLETION_TOKENS]) ?? num(a[READ_ATTR.USAGE_OUTPUT_TOKENS]);
  const cost = num(a[READ_ATTR.USAGE_TOTAL_COST]);
  return {
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(cost !== undefined ? { cost } : {}),
  };
}

function isLlm(span: ReadableSpan): boolean {
  const kind = str(span.attributes[READ_ATTR.SPAN_KIND]);
  if (kind !== undefined) return kind === 'llm';
  return span.attributes[READ_ATTR.REQUEST_MODEL] !== undefined || span.name.endsWith('.llm');
}

/** `12.3 ms`, `450 ms`, `1.25 s`, `2m 05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

function formatCost(cost: number): string {
  if (cost > 0 && cost < 0.0001) return '$<0.0001';
  return `$${cost >= 1 ? cost.toFixed(2) : cost.toFixed(4)}`;
}

function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function details(span: ReadableSpan): string {
  const parts: string[] = [];
  const a = span.attributes;
  if (isLlm(span)) {
    const model = str(a[READ_ATTR.RESPONSE_MODEL]) ?? str(a[READ_ATTR.REQUEST_MODEL]);
    if (model !== undefined) parts.push(model);
    const usage = usageOf(span);
    if (usage.input !== undefined || usage.output !== undefined) {
      parts.push(`${formatInt(usage.input ?? 0)}→${formatInt(usage.output ?? 0)} tok`);
    }
    if (usage.cost !== undefined) parts.push(formatCost(usage.cost));
  }
  const endState = str(a[READ_ATTR.SESSION_END_STATE]);
  if (endState !== undefined) parts.push(endState);
  if (a[READ_ATTR.INCOMPLETE] === true) parts.push('incomplete');
  if (span.status.code === SpanStatusCode.ERROR) {
    const reason = span.status.message || str(a[READ_ATTR.ERROR_TYPE]);
    parts.push(reason !== undefined ? `✗ ERROR ${reason}` : '✗ ERROR');
  }
  return parts.join(' · ');
}

function bar(node: Node, t0: number, total: number, width: number): string {
  if (total <= 0) return '█'.repeat(width);
  let from = Math.floor(((node.start - t0) / total) * width);
  let to = Math.ceil(((node.end - t0) / total) * width);
  from = Math.min(Math.max(from, 0), width - 1);
  to = Math.min(Math.max(to, from + 1), width);
  return ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(width - to);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function byStart(a: Node, b: Node): number {
  return a.start - b.start || a.span.name.localeCompare(b.span.name);
}

/**
 * Renders the spans of one trace as a waterfall: a header with the trace's duration, LLM calls, tokens and cost,
 * then one line per span (tree, duration, timeline bar, model, tokens, cost, end state, errors). Spans whose parent
 * is not among `spans` are shown at the top level.
 */
export function renderWaterfall(spans: readonly ReadableSpan[], options: WaterfallOptions = {}): string {
  if (spans.length === 0) return '';
  const width = Math.max(5, Math.floor(options.barWidth ?? 30));
  const maxLabel = Math.max(12, Math.floor(options.maxLabelWidth ?? 56));

  const nodes = new Map<string, Node>();
  for (const span of spans) {
    nodes.set(span.spanContext().spanId, {
      span,
      start: hrTimeToMillis(span.startTime),
      end: hrTimeToMillis(span.endTime),
      children: [],
    });
  }
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parentId = parentSpanIdOf(node.span);
    const parent = parentId !== undefined ? nodes.get(parentId) : undefined;
    if (parent !== undefined && parent !== node) parent.children.push(node);
    else roots.push(node);
  }

  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  let llmCalls = 0;
  let input = 0;
  let output = 0;
  let cost = 0;
  let hasCost = false;
  for (const node of nodes.values()) {
    t0 = Math.min(t0, node.start);
    t1 = Math.max(t1, node.end);
    if (isLlm(node.span)) llmCalls++;
    const usage = usageOf(node.span);
    input += usage.input ?? 0;
    output += usage.output ?? 0;
    if (usage.cost !== undefined) {
      cost += usage.cost;
      hasCost = true;
    }
  }
  const total = t1 - t0;

  const rows: Row[] = [];
  const visit = (node: Node, prefix: string, connector: string, childPrefix: string): void => {
    rows.push({
      label: cut(`${prefix}${connector}${node.span.name}`, maxLabel),
      duration: formatDuration(node.end - node.start),
      bar: bar(node, t0, total, width),
      details: details(node.span),
    });
    node.children.sort(byStart);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      visit(child, `${prefix}${childPrefix}`, last ? '└─ ' : '├─ ', last ? '   ' : '│  ');
    });
  };
  roots.sort(byStart);
  for (const root of roots) visit(root, '', '', '');

  const summary = [formatDuration(total), `${nodes.size} span${nodes.size === 1 ? '' : 's'}`];
  if (llmCalls > 0) summary.push(`${llmCalls} LLM call${llmCalls === 1 ? '' : 's'}`);
  if (input + output > 0)
    summary.push(`${formatInt(input + output)} tokens (${formatInt(input)} in, ${formatInt(output)} out)`);
  if (hasCost) summary.push(formatCost(cost));
  const traceId = spans[0]!.spanContext().traceId;

  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const durationWidth = Math.max(...rows.map((row) => row.duration.length));
  const lines = [`AgentOps trace ${traceId} · ${summary.join(' · ')}`];
  for (const row of rows) {
    const line = `${row.label.padEnd(labelWidth)}  ${row.duration.padStart(durationWidth)}  ▕${row.bar}▏  ${row.details}`;
    lines.push(line.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
