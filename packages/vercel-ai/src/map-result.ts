import type { CallEndEvent, ErrorInfo, MessagePart, OutputMessage } from '@agentops/llm-callback-core';
import {
  copyFields,
  field,
  readArray,
  readNumber,
  readString,
  safeIndex,
} from '@agentops/llm-callback-core/adapter-kit';
import { mapToolCallPart } from './map-call-options.js';
import { formatWarnings, mapFileData, normalizeFinishReason, normalizeUsage, readText } from './normalize.js';

/** What a call's end event needs besides its key. */
export type MappedEnd = Omit<CallEndEvent, 'key'>;

/**
 * One complete output part (`LanguageModelV2/V3/V4Content`, also used by the stream for whole parts): text, reasoning,
 * tool calls (their `input` is a JSON string), provider-executed tool results and files. Sources, approval requests
 * and custom parts are not message content and are skipped.
 */
export function mapContentPart(part: unknown): MessagePart | undefined {
  switch (field(part, 'type')) {
    case 'text':
    case 'reasoning': {
      const text = readText(field(part, 'text'));
      return text === undefined ? undefined : { type: field(part, 'type') as 'text' | 'reasoning', content: text };
    }
    case 'tool-call':
      return mapToolCallPart(part);
    case 'tool-result': {
      const id = readString(field(part, 'toolCallId'));
      return { type: 'tool_call_response', response: field(part, 'result'), ...(id !== undefined && { id }) };
    }
    case 'file':
    case 'reasoning-file':
      return mapFileData(field(part, 'data'), readString(field(part, 'mediaType')));
    default:
      return undefined;
  }
}

/** The assistant message built from output parts, or `undefined` when nothing was produced. */
export function outputMessages(parts: MessagePart[], finishReason: string | undefined): OutputMessage[] | undefined {
  if (parts.length === 0 && finishReason === undefined) return undefined;
  return [{ role: 'assistant', parts, ...(finishReason !== undefined && { finishReason }) }];
}

/** Response metadata shared by generate results (`response`) and stream parts (`response-metadata`). */
export function mapResponseMetadata(response: unknown, target: MappedEnd): void {
  if (response === undefined) return;
  let id: unknown;
  let modelId: unknown;
  let timestamp: unknown;
  // Direct reads, field by field only if one throws (see `copyFields`).
  try {
    ({ id, modelId, timestamp } = response as Record<string, unknown>);
  } catch {
    ({ id, modelId, timestamp } = copyFields<Record<string, unknown>>(response, RESPONSE_KEYS));
  }
  const responseId = readString(id);
  if (responseId !== undefined) target.responseId = responseId;
  const model = readString(modelId);
  if (model !== undefined) target.responseModel = model;
  if (timestamp instanceof Date && Number.isFinite(timestamp.getTime())) target.responseCreated = timestamp;
}

const RESPONSE_KEYS = ['id', 'modelId', 'timestamp'];
const GENERATE_RESULT_KEYS = ['finishReason', 'usage', 'response', 'warnings'];

/** Sets finish reason (as the SDK's unified value), usage and warnings on an end event. */
export function mapFinish(finishReason: unknown, usage: unknown, target: MappedEnd): string | undefined {
  const reason = normalizeFinishReason(finishReason);
  if (reason.unified !== undefined) target.finishReasons = [reason.unified];
  const normalized = normalizeUsage(usage);
  if (normalized !== undefined) target.usage = normalized;
  return reason.unified;
}

/**
 * Maps a `doGenerate` result (V2, V3 or V4) to the core's end event: output message, finish reason, usage with cache
 * and reasoning tokens, response id/model/timestamp and warnings. `withOutputs: false` leaves out the output
 * message (for a span that records no content).
 */
export function mapGenerateResult(result: unknown, withOutputs = true): MappedEnd {
  let finishReason: unknown;
  let usage: unknown;
  let response: unknown;
  let warnings: unknown;
  // Direct reads, field by field only if one throws (see `copyFields`).
  try {
    ({ finishReason, usage, response, warnings } = result as Record<string, unknown>);
  } catch {
    ({ finishReason, usage, response, warnings } = copyFields<Record<string, unknown>>(result, GENERATE_RESULT_KEYS));
  }
  const end: MappedEnd = {};
  const parts: MessagePart[] = [];
  const content = withOutputs ? readArray(field(result, 'content')) : undefined;
  if (content) {
    for (let i = 0; i < content.length; i++) {
      const part = mapContentPart(safeIndex(content, i));
      if (part !== undefined) parts.push(part);
    }
  }
  const unifiedReason = mapFinish(finishReason, usage, end);
  const outputs = withOutputs ? outputMessages(parts, unifiedReason) : undefined;
  if (outputs !== undefined) end.outputs = outputs;
  mapResponseMetadata(response, end);
  const warningTexts = warnings === undefined ? undefined : formatWarnings(warnings);
  if (warningTexts !== undefined) end.warnings = warningTexts;
  return end;
}

/** Host and port of the endpoint the provider called (`request.url`, V4 results only). */
export function mapServer(request: unknown): { address: string; port?: number } | undefined {
  const url = readString(field(request, 'url'));
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    const port = readNumber(Number(parsed.port)) || undefined;
    return { address: parsed.hostname, ...(port !== undefined && { port }) };
  } catch {
    return undefined;
  }
}

/**
 * What a thrown error says, beyond what the core reads itself (`name`, `message`, `statusCode`, `isRetryable`):
 * `APICallError` carries the provider's parsed error body in `data` (`{error: {code, type}}` for OpenAI), and its
 * `name` (`AI_APICallError`) is the type. `requestBodyValues` and `responseBody` are never read: they hold the prompt.
 */
export function mapError(error: unknown): ErrorInfo {
  const info: ErrorInfo = {};
  const type = readString(field(error, 'name'));
  if (type !== undefined) info.type = type;
  const statusCode = readNumber(field(error, 'statusCode'));
  if (statusCode !== undefined) info.statusCode = statusCode;
  const data = field(error, 'data');
  const code = readString(field(field(data, 'error'), 'code') ?? field(data, 'code'));
  if (code !== undefined) info.code = code;
  return info;
}
