import { ATTR, type CallMetadata, type Message, type RunKind } from '@agentops/llm-callback-core';
import { field, readArray, readNumber, readString, safeIndex } from '@agentops/llm-callback-core/adapter-kit';
import type { AttributeValue } from '@opentelemetry/api';
import {
  extractCallOptions,
  isAttributeValue,
  type MappedCallOptions,
  mapCallOptions,
  mergeMetadata,
  PROVIDER_OPTIONS_KEY,
  readCallMetadata,
} from './map-call-options.js';
import { readRecord, readText } from './normalize.js';
import { CHUNK_GAP_PREFIX, RUNTIME_CONTEXT_PREFIX } from './telemetry-keys.js';

/*
 * Pure mappings from ai@7 telemetry events (`Telemetry` callbacks) to what the core records. The model call itself
 * (request settings, tools, prompt; output, usage, finish reason) goes through the middleware's mappings.
 */

/** What a run's start event says about who it belongs to. */
export interface RunContext {
  /** Session, user, conversation and tags for every span of the run. */
  metadata?: CallMetadata;
  /** `false` records no message text, arguments or results for the run. */
  captureContent?: boolean;
  /** Run-span-only attributes: function id, operation and the allow-listed runtime context. */
  attributes: Record<string, AttributeValue>;
}

/**
 * Reads a start event (`onStart`): the `agentops` namespace of its `runtimeContext` (allow-listed with
 * `telemetry.includeRuntimeContext: { agentops: true }`) and of its `providerOptions`, merged over `base`; every other
 * allow-listed runtime context entry as a run attribute (JSON for objects).
 */
export function readRunContext(event: unknown, base: CallMetadata | undefined): RunContext {
  const attributes: Record<string, AttributeValue> = {};
  const functionId = readString(field(event, 'functionId'));
  if (functionId !== undefined) attributes[ATTR.AI_SDK_FUNCTION_ID] = functionId;
  const operation = readString(field(event, 'operationId'));
  if (operation !== undefined) attributes[ATTR.AI_SDK_OPERATION] = operation;
  const runtime = readRecord(field(event, 'runtimeContext'));
  const ours = field(runtime, PROVIDER_OPTIONS_KEY);
  for (const key of ownKeys(runtime)) {
    if (key === PROVIDER_OPTIONS_KEY) continue;
    const value = attributeOf(field(runtime, key));
    if (value !== undefined) attributes[`${RUNTIME_CONTEXT_PREFIX}${key}`] = value;
  }
  const fromProvider = extractCallOptions({ providerOptions: field(event, 'providerOptions') });
  const metadata = mergeMetadata(mergeMetadata(base, readCallMetadata(ours)), fromProvider.metadata);
  const captureContent = fromProvider.captureContent ?? readBooleanField(ours, 'captureContent');
  return {
    ...(metadata !== undefined && { metadata }),
    ...(captureContent !== undefined && { captureContent }),
    attributes,
  };
}

/** The run's name: its `functionId`, else the operation (`generateText`, `streamText`). */
export function runName(event: unknown): string {
  const operation = readString(field(event, 'operationId'))?.replace(/^ai\./, '');
  return readString(field(event, 'functionId')) ?? operation ?? 'generateText';
}

/** `agent` when the run has tools to call in a loop, else `workflow`; `preferred` wins. */
export function runKind(event: unknown, preferred: 'agent' | 'workflow' | undefined): RunKind {
  if (preferred !== undefined) return preferred;
  return ownKeys(readRecord(field(event, 'tools'))).length > 0 ? 'agent' : 'workflow';
}

/** The SDK's prompt as one message list: `instructions` (string, system message or list) first, then `messages`. */
export function promptOf(event: unknown): unknown[] {
  const prompt: unknown[] = [];
  const instructions = field(event, 'instructions');
  if (typeof instructions === 'string') prompt.push({ role: 'system', content: instructions });
  else if (readArray(instructions)) prompt.push(...copy(instructions));
  else if (instructions !== null && typeof instructions === 'object') prompt.push(instructions);
  prompt.push(...copy(field(event, 'messages')));
  return prompt;
}

const CALL_SETTINGS = [
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'stopSequences',
  'seed',
  'tools',
] as const;

/**
 * A model call's request as the middleware maps it, from `executeLanguageModelCall`'s options (the SDK's call
 * settings, prepared tools and prompt) and the step's prepared `toolChoice`.
 */
export function mapModelCallRequest(options: unknown, toolChoice: unknown): MappedCallOptions {
  const view: Record<string, unknown> = { prompt: promptOf(options), toolChoice };
  for (const key of CALL_SETTINGS) view[key] = field(options, key);
  return mapCallOptions(view);
}

/** The SDK's `performance` figures of one model call, as attributes (times in seconds). */
export function mapPerformance(performance: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  const seconds = (key: string, value: unknown) => {
    const ms = readNumber(value);
    if (ms !== undefined && ms >= 0) out[key] = ms / 1000;
  };
  const rate = (key: string, value: unknown) => {
    const n = readNumber(value);
    if (n !== undefined && n >= 0) out[key] = n;
  };
  seconds(ATTR.PERFORMANCE_RESPONSE_TIME, field(performance, 'responseTimeMs'));
  seconds(ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT, field(performance, 'timeToFirstOutputMs'));
  rate(ATTR.PERFORMANCE_OUTPUT_TOKENS_PER_SECOND, field(performance, 'outputTokensPerSecond'));
  rate(ATTR.PERFORMANCE_INPUT_TOKENS_PER_SECOND, field(performance, 'inputTokensPerSecond'));
  rate(ATTR.PERFORMANCE_EFFECTIVE_OUTPUT_TOKENS_PER_SECOND, field(performance, 'effectiveOutputTokensPerSecond'));
  rate(ATTR.PERFORMANCE_EFFECTIVE_TOTAL_TOKENS_PER_SECOND, field(performance, 'effectiveTotalTokensPerSecond'));
  const gaps = field(performance, 'timeBetweenOutputChunksMs');
  for (const stat of ['min', 'p10', 'median', 'avg', 'p90', 'max']) {
    seconds(`${CHUNK_GAP_PREFIX}${stat}`, field(gaps, stat));
  }
  return out;
}

/** A tool execution event's tool call: name, id, input (absent when `recordInputs` is off) and kind. */
export interface ToolCallInfo {
  name: string;
  callId: string | undefined;
  input: unknown;
  dynamic: boolean;
}

/** Reads `toolCall` of `onToolExecutionStart` / `executeTool`. */
export function readToolCall(event: unknown): ToolCallInfo {
  const call = field(event, 'toolCall');
  return {
    name: readString(field(call, 'toolName')) ?? 'tool',
    callId: readString(field(call, 'toolCallId')) ?? readString(field(event, 'toolCallId')),
    input: field(call, 'input'),
    dynamic: field(call, 'dynamic') === true,
  };
}

/** `onToolExecutionEnd`'s outcome: the result, or the error the tool threw. */
export function readToolOutcome(event: unknown): { failed: false; output: unknown } | { failed: true; error: unknown } {
  const output = field(event, 'toolOutput');
  return field(output, 'type') === 'tool-error'
    ? { failed: true, error: field(output, 'error') }
    : { failed: false, output: field(output, 'output') };
}

/** Tool descriptions from a run's tool set (`{[name]: {description}}`), for the tool spans. */
export function toolDescriptions(event: unknown): Map<string, string> {
  const tools = readRecord(field(event, 'tools'));
  const out = new Map<string, string>();
  for (const name of ownKeys(tools)) {
    const description = readString(field(field(tools, name), 'description'));
    if (description !== undefined) out.set(name, description);
  }
  return out;
}

/** The texts an embedding call embeds (`values`), one user message each. */
export function embeddingMessages(event: unknown): Message[] {
  return copy(field(event, 'values'))
    .map(readText)
    .filter((text): text is string => text !== undefined)
    .map((text) => ({ role: 'user', parts: [{ type: 'text', content: text }] }));
}

/** A rerank call's query, as the user message. */
export function rerankMessages(event: unknown): Message[] | undefined {
  const query = readText(field(event, 'query'));
  return query === undefined ? undefined : [{ role: 'user', parts: [{ type: 'text', content: query }] }];
}

/** A rerank call's ranking (`[{index, relevanceScore}]`), as JSON text of the assistant's answer. */
export function rerankOutputs(event: unknown): Message[] | undefined {
  const ranking: { index: number; relevanceScore: number }[] = [];
  for (const entry of copy(field(event, 'ranking'))) {
    const index = readNumber(field(entry, 'index'));
    const relevanceScore = readNumber(field(entry, 'relevanceScore'));
    if (index !== undefined && relevanceScore !== undefined) ranking.push({ index, relevanceScore });
  }
  return ranking.length === 0
    ? undefined
    : [{ role: 'assistant', parts: [{ type: 'text', content: JSON.stringify(ranking) }] }];
}

/** A copy of an array's items, read one by one (a throwing item reads as `undefined`); `[]` for anything else. */
function copy(value: unknown): unknown[] {
  const list = readArray(value);
  if (!list) return [];
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) out.push(safeIndex(list, i));
  return out;
}

function ownKeys(record: Record<string, unknown> | undefined): string[] {
  if (record === undefined) return [];
  try {
    return Object.keys(record);
  } catch {
    return [];
  }
}

function readBooleanField(object: unknown, key: string): boolean | undefined {
  const value = field(object, key);
  return typeof value === 'boolean' ? value : undefined;
}

/** A runtime context value as an attribute: as it is when OpenTelemetry takes it, else as JSON. */
function attributeOf(value: unknown): AttributeValue | undefined {
  try {
    if (isAttributeValue(value)) return value;
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
    const json = JSON.stringify(value);
    return typeof json === 'string' ? json : undefined;
  } catch {
    return undefined;
  }
}
