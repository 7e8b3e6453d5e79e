import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { ReceivedSpan } from '@agentops-internal/otlp-receiver';

/** The real LiteLLM 1.82.6 captures that `@agentops/litellm` keeps as its test data. */
const FIXTURES = new URL('../../../packages/litellm/src/__fixtures__/real/', import.meta.url);

type Payload = Record<string, unknown>;

/** The payloads of a real `generic_api` capture (`plain`, `stream`, `tool-call`, `rate-limit-429`). */
export function realPayloads(scenario: string): Payload[] {
  const capture = JSON.parse(readFileSync(new URL(`generic-api-${scenario}.json`, FIXTURES), 'utf8')) as {
    posts: { body: Payload[] }[];
  };
  return capture.posts.flatMap((post) => post.body);
}

let run = 0;
/**
 * Copies with fresh ids: the core remembers ended call ids process-wide, so a payload recorded in one test would be
 * a duplicate in the next. `requester` replaces the caller's request metadata when given.
 */
export function fresh(payload: Payload, requester?: Payload): Payload {
  run += 1;
  const metadata = payload.metadata as Payload;
  return {
    ...payload,
    id: `${String(payload.id)}#${run}`,
    ...(requester ? { metadata: { ...metadata, requester_metadata: requester } } : {}),
  };
}

/** One span and its children, for `toEqual` / `toMatchObject` on the tree shape. */
export interface Node {
  name: string;
  status: string;
  attributes: ReceivedSpan['attributes'];
  traceId: string;
  spanId: string;
  parentSpanId: string;
  children: Node[];
}

/** The received spans as a forest (roots are spans whose parent was not received), children by start time. */
export function forest(spans: readonly ReceivedSpan[]): Node[] {
  const nodes = new Map<string, Node>();
  for (const span of spans) {
    nodes.set(span.spanId, {
      name: span.name,
      status: span.status.code.replace('STATUS_CODE_', ''),
      attributes: span.attributes,
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      children: [],
    });
  }
  const start = (node: Node) => BigInt(spans.find((span) => span.spanId === node.spanId)?.startTimeUnixNano ?? 0);
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = nodes.get(node.parentSpanId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of nodes.values()) node.children.sort((a, b) => (start(a) < start(b) ? -1 : 1));
  return roots.sort((a, b) => (start(a) < start(b) ? -1 : 1));
}

/** `name [STATUS]` lines indented by depth: a compact picture of a forest for equality checks. */
export function outline(nodes: readonly Node[], depth = 0): string[] {
  return nodes.flatMap((node) => [
    `${'  '.repeat(depth)}${node.name}${node.status === 'UNSET' ? '' : ` ${node.status}`}`,
    ...outline(node.children, depth + 1),
  ]);
}

/**
 * Sends raw bytes and then goes quiet, like a stalled sender; resolves with what the server answered once it closed
 * the connection.
 */
export function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(response));
    socket.on('connect', () => socket.write(bytes));
  });
}
