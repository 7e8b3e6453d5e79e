import { field, readString, readStringArray } from '@agentops/llm-callback-core/adapter-kit';
import { messageData, messageRole } from './map-messages.js';
import { classPath, mapRunMetadata, type RunStartFields, runNameOf } from './map-run.js';
import { compact, isRecord, list, path, readStringOnly, safely } from './read.js';

/** True for runs LangChain marks as plumbing (`langsmith:hidden`, e.g. LangGraph's `__start__`). */
export function isHiddenRun(tags: unknown): boolean {
  return readStringArray(tags)?.includes('langsmith:hidden') ?? false;
}

/**
 * True for the root of an agent: a `createAgent` graph (its `ls_integration` metadata is inherited by every node, so
 * the graph itself is recognized by its class or by not being a node), or a legacy `AgentExecutor`.
 */
export function isAgentRun(serialized: unknown, metadata: unknown): boolean {
  const className = classPath(serialized).at(-1);
  if (className === 'AgentExecutor') return true;
  if (field(metadata, 'ls_integration') !== 'langchain_create_agent') return false;
  return className === 'CompiledStateGraph' || field(metadata, 'langgraph_node') === undefined;
}

const MAX_VALUE_DEPTH = 4;

/** A message as run input or output shows it: role, content and the tool fields, not LangChain's serialized form. */
function compactMessage(message: unknown, role: string): Record<string, unknown> {
  const data = messageData(message);
  const toolCalls = list(field(data, 'tool_calls'));
  return compact({
    role,
    name: readString(field(data, 'name')),
    content: field(data, 'content'),
    tool_calls: toolCalls.length > 0 ? toolCalls : undefined,
    tool_call_id: readString(field(data, 'tool_call_id')),
  });
}

/**
 * A chain's input or output, made readable: messages (also inside lists, `{messages}` state and prompt values)
 * become `{role, content, ...}`; everything else is kept for the core to serialize. Never throws: a part that
 * cannot be read (a throwing getter, a hostile Proxy) becomes `undefined`, and the rest is kept.
 */
export function mapRunValue(value: unknown, depth = 0): unknown {
  return safely(() => mapReadableValue(value, depth));
}

function mapReadableValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => mapRunValue(item, depth + 1));
  const role = messageRole(value);
  if (role !== undefined && field(messageData(value), 'content') !== undefined) return compactMessage(value, role);
  // A ChatPromptValue (live or serialized) is its list of messages.
  const promptMessages =
    field(value, 'lc') === 1
      ? path(value, 'kwargs', 'messages')
      : typeof field(value, 'toChatMessages') === 'function'
        ? field(value, 'messages')
        : undefined;
  if (Array.isArray(promptMessages)) return mapRunValue(promptMessages, depth + 1);
  // Plain objects and LangGraph's `Command` / `Send` are walked; other class instances are left to the core.
  const prototype = Object.getPrototypeOf(value) as unknown;
  const plain = prototype === Object.prototype || prototype === null || typeof field(value, 'lg_name') === 'string';
  if (!plain) return value;
  const out: Record<string, unknown> = {};
  // Read key by key: one throwing getter drops its value, not the whole object.
  for (const key of Object.keys(value)) out[key] = mapRunValue(field(value, key), depth + 1);
  return out;
}

/** LangChain wraps scalars as `{input}` / `{output}`: unwrap the lone key, map the rest. */
function unwrap(values: unknown, key: string): unknown {
  const keys = isRecord(values) ? safely(() => Object.keys(values)) : undefined;
  if (keys?.length === 1 && keys[0] === key) return mapRunValue(field(values, key));
  return mapRunValue(values);
}

/**
 * Chain inputs: a lone `{input}` unwrapped. Nothing when LangChain defers them (a streamed chain starts with a
 * placeholder and reports its real inputs at the end; the handler passes those as the end event's `input`).
 */
export function mapChainInput(inputs: unknown, extra?: unknown): unknown {
  return field(extra, 'lc_defers_inputs') === true ? undefined : unwrap(inputs, 'input');
}

/** Chain outputs: LangChain wraps scalars as `{output}`; unwrap them. */
export function mapChainOutput(outputs: unknown): unknown {
  return unwrap(outputs, 'output');
}

/** The arguments of `handleChainStart` that mapping reads. */
export interface ChainStartArgs {
  serialized: unknown;
  inputs: unknown;
  parentRunId: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
  extra: unknown;
}

/** `handleChainStart` → run-start fields: an agent, a root workflow, or a chain step. */
export function mapChainStart(args: ChainStartArgs): RunStartFields {
  const agent = isAgentRun(args.serialized, args.metadata);
  const name = agent
    ? (readString(field(args.metadata, 'lc_agent_name')) ?? runNameOf(args.serialized, args.runName, 'agent'))
    : runNameOf(args.serialized, args.runName, 'chain');
  const root = readStringOnly(args.parentRunId) === undefined;
  return {
    kind: agent ? 'agent' : root ? 'workflow' : 'chain',
    name,
    input: mapChainInput(args.inputs, args.extra),
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  };
}
