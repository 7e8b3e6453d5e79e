import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { parentIdOf, type ReadableSpanLike } from './span-capture.js';

/** One span as a plain object, with its children; made for `toEqual` / `toMatchObject` assertions. */
export interface SpanTreeNode {
  name: string;
  kind: string;
  status: 'UNSET' | 'OK' | 'ERROR';
  statusMessage?: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  /** Milliseconds from start to end. */
  durationMs: number;
  children: SpanTreeNode[];
  spanId: string;
  traceId: string;
  /** True when the span's parent is not among the given spans (it came from other instrumentation or a remote). */
  externalParent: boolean;
}

/** Options for {@link spanTree} and {@link serializeSpanTree}. */
export interface SpanTreeOptions {
  /** Which attributes to keep: all (default), a list of keys, or a predicate. */
  attributes?: readonly string[] | ((key: string) => boolean);
  /** Longest attribute value shown by `serializeSpanTree`. @default 120 */
  maxValueLength?: number;
}

const KIND_NAMES: Record<number, string> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

function toMillis(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function keepAttribute(options: SpanTreeOptions | undefined): (key: string) => boolean {
  const filter = options?.attributes;
  if (!filter) return () => true;
  if (typeof filter === 'function') return filter;
  return (key) => filter.includes(key);
}

/** Builds the span forest: roots are spans whose parent is not in the list. Children sort by start time. */
export function spanTree(spans: readonly ReadableSpanLike[], options?: SpanTreeOptions): SpanTreeNode[] {
  const keep = keepAttribute(options);
  const nodes = new Map<string, { node: SpanTreeNode; start: number; parentId: string | undefined }>();
  for (const span of spans) {
    const attributes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(span.attributes)) if (keep(key)) attributes[key] = value;
    const statusCode = span.status.code;
    const node: SpanTreeNode = {
      name: span.name,
      kind: KIND_NAMES[span.kind] ?? String(span.kind),
      status: statusCode === SpanStatusCode.ERROR ? 'ERROR' : statusCode === SpanStatusCode.OK ? 'OK' : 'UNSET',
      attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: { ...(event.attributes ?? {}) } })),
      durationMs: toMillis(span.endTime) - toMillis(span.startTime),
      children: [],
      spanId: span.spanContext().spanId,
      traceId: span.spanContext().traceId,
      externalParent: false,
    };
    if (span.status.message) node.statusMessage = span.status.message;
    nodes.set(node.spanId, { node, start: toMillis(span.startTime), parentId: parentIdOf(span) });
  }
  const roots: { node: SpanTreeNode; start: number }[] = [];
  const childrenOf = new Map<string, { node: SpanTreeNode; start: number }[]>();
  for (const item of nodes.values()) {
    const parent = item.parentId ? nodes.get(item.parentId) : undefined;
    if (!parent) {
      item.node.externalParent = item.parentId !== undefined && item.parentId !== '';
      roots.push(item);
    } else {
      const list = childrenOf.get(parent.node.spanId) ?? [];
      list.push(item);
      childrenOf.set(parent.node.spanId, list);
    }
  }
  const order = (a: { node: SpanTreeNode; start: number }, b: { node: SpanTreeNode; start: number }) =>
    a.start - b.start || a.node.name.localeCompare(b.node.name);
  for (const [id, list] of childrenOf) {
    const parent = nodes.get(id);
    if (parent) parent.node.children = list.sort(order).map((item) => item.node);
  }
  return roots.sort(order).map((item) => item.node);
}

/**
 * Renders spans as an indented tree: name, kind, status, attributes (sorted) and events. Ids and times are left
 * out so the text is stable across runs, which makes it good for inline snapshots.
 *
 * @example
 * ```ts
 * expect(serializeSpanTree(capture.spans(), { attributes: ['gen_ai.request.model'] })).toMatchInlineSnapshot(`
 *   "session.session [INTERNAL] OK
 *     gpt-4.1.llm [CLIENT]
 *       gen_ai.request.model: "gpt-4.1""
 * `);
 * ```
 */
export function serializeSpanTree(spans: readonly ReadableSpanLike[], options?: SpanTreeOptions): string {
  const max = options?.maxValueLength ?? 120;
  const lines: string[] = [];
  const show = (value: unknown) => {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > max ? `${text.slice(0, max)}…` : text;
  };
  const visit = (node: SpanTreeNode, depth: number) => {
    const pad = '  '.repeat(depth);
    const status =
      node.status === 'UNSET' ? '' : ` ${node.status}${node.statusMessage ? `(${show(node.statusMessage)})` : ''}`;
    lines.push(`${pad}${node.name} [${node.kind}]${status}${node.externalParent ? ' (external parent)' : ''}`);
    for (const key of Object.keys(node.attributes).sort())
      lines.push(`${pad}    ${key}: ${show(node.attributes[key])}`);
    for (const event of node.events) {
      lines.push(`${pad}    event ${event.name}`);
      for (const key of Object.keys(event.attributes).sort())
        lines.push(`${pad}      ${key}: ${show(event.attributes[key])}`);
    }
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of spanTree(spans, options)) visit(root, 0);
  return lines.join('\n');
}
