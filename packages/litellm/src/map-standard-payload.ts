import { ATTR } from '@agentops/llm-callback-core';
import { fromOpenAITools, readNumber, readString, toEpochMillis } from '@agentops/llm-callback-core/adapter-kit';
import { callerOf } from './caller-context.js';
import { mapError } from './map-error.js';
import {
  callerOfKwargs,
  type EndFields,
  firstChunk,
  type MappedCall,
  mapMetadata,
  mapOperation,
  mapParams,
  mapServer,
  requestMetadataOf,
  type StartFields,
} from './map-kwargs.js';
import { mapMessages } from './map-messages.js';
import { mapResponse, mapUsage } from './map-response.js';
import { bool, first, nonEmpty, obj } from './read.js';

/** Raw callback values to use where the payload has none, or only a redacted or truncated string. */
export interface PayloadFallbacks {
  response?: unknown;
  messages?: unknown;
  exception?: unknown;
  /** The callback's kwargs: retry counts that the payload drops, and the caller's trace context and session id. */
  kwargs?: Record<string, unknown>;
}

/** The key of a payload: the call id (newer LiteLLM), else `id` (the response id, or the call id). */
export function payloadKeyOf(payload: Record<string, unknown>): string | undefined {
  return readString(payload.litellm_call_id) ?? readString(payload.call_id) ?? readString(payload.id);
}

/** A string here is LiteLLM's redacted or truncated copy; the callback's own object (same redaction) is better. */
function structured(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/**
 * One `StandardLoggingPayload` as a call; `failed` follows its `status`. Without content (`withContent: false`) the
 * tool definitions and the output messages are not read.
 */
export function mapStandardPayload(
  payload: Record<string, unknown>,
  fallbacks: PayloadFallbacks = {},
  withContent = true,
): MappedCall {
  const metadata = obj(payload.metadata) ?? {};
  const parameters = obj(payload.model_parameters) ?? {};
  const key = payloadKeyOf(payload);
  const traceId = readString(payload.trace_id);
  const failed = payload.status === 'failure';
  const stream = bool(first(payload.stream, parameters.stream));
  return {
    key,
    failed,
    start: () => payloadStart(payload, fallbacks, { key, traceId, stream, metadata, parameters, withContent }),
    end: () => payloadEnd(payload, fallbacks, { traceId, stream, metadata, withOutputs: withContent }),
    error: () =>
      failed
        ? mapError({
            exception: fallbacks.exception,
            errorInformation: payload.error_information,
            errorStr: payload.error_str,
            metadata: fallbacks.kwargs && requestMetadataOf(fallbacks.kwargs),
          })
        : {},
  };
}

function payloadEnd(
  payload: Record<string, unknown>,
  fallbacks: PayloadFallbacks,
  read: {
    traceId: string | undefined;
    stream: boolean | undefined;
    metadata: Record<string, unknown>;
    withOutputs: boolean;
  },
): EndFields {
  const hidden = obj(payload.hidden_params) ?? {};
  const endTime = toEpochMillis(payload.endTime);
  const response = structured(payload.response) ? payload.response : first(fallbacks.response, payload.response);
  const fields = mapResponse(response, read.withOutputs);
  const usage =
    mapUsage(first(read.metadata.usage_object, hidden.usage_object)) ??
    fields.usage ??
    mapUsage({
      prompt_tokens: payload.prompt_tokens,
      completion_tokens: payload.completion_tokens,
      total_tokens: payload.total_tokens,
    });
  const cost = readNumber(first(payload.response_cost, hidden.response_cost));
  return {
    outputs: fields.outputs,
    finishReasons: fields.finishReasons,
    usage,
    responseId: fields.responseId,
    responseModel: fields.responseModel ?? readString(payload.model),
    responseCreated: fields.responseCreated,
    // LiteLLM logs 0 or null when pricing raced or failed; only a positive cost is a cost.
    cost: cost !== undefined && cost > 0 ? cost : undefined,
    firstChunkTime: firstChunk(read.stream, payload.completionStartTime, endTime),
    attributes: nonEmpty({
      [ATTR.LITELLM_TRACE_ID]: read.traceId,
      [ATTR.LITELLM_MODEL_ID]: readString(payload.model_id),
      [ATTR.LITELLM_CACHE_HIT]: bool(payload.cache_hit),
    }),
    endTime,
  };
}

interface Read {
  key: string | undefined;
  traceId: string | undefined;
  stream: boolean | undefined;
  metadata: Record<string, unknown>;
  parameters: Record<string, unknown>;
  withContent: boolean;
}

function payloadStart(payload: Record<string, unknown>, fallbacks: PayloadFallbacks, read: Read): StartFields {
  const { metadata, parameters } = read;
  const requester = obj(metadata.requester_metadata);
  // The payload's own caller context wins; the raw kwargs fill in what it lacks.
  const own = callerOf({ metadata: [requester], headers: [requester?.headers] });
  const kwargsCaller =
    fallbacks.kwargs && !(own.parentContext && own.sessionId) ? callerOfKwargs(fallbacks.kwargs) : undefined;
  const sessionId = own.sessionId ?? kwargsCaller?.sessionId;
  const messages = structured(payload.messages) ? payload.messages : first(fallbacks.messages, payload.messages);
  const server = mapServer(payload.api_base);
  return {
    operation: mapOperation(payload.call_type),
    provider: readString(payload.custom_llm_provider),
    model: readString(payload.model_group) ?? readString(payload.model),
    params: mapParams(parameters),
    stream: read.stream,
    tools: read.withContent ? fromOpenAITools(first(parameters.tools, parameters.functions)) : undefined,
    buildMessages: messages === undefined ? undefined : () => mapMessages(messages),
    serverAddress: server.serverAddress,
    serverPort: server.serverPort,
    metadata: mapMetadata({
      tags: payload.request_tags,
      userId: readString(payload.end_user) ?? metadata.user_api_key_end_user_id,
      sessionId,
      attributes: {
        [ATTR.LITELLM_CALL_ID]: read.key,
        [ATTR.LITELLM_TRACE_ID]: read.traceId,
        [ATTR.LITELLM_CALL_TYPE]: readString(payload.call_type),
      },
    }),
    parentContext: own.parentContext ?? kwargsCaller?.parentContext,
    startTime: toEpochMillis(payload.startTime),
  };
}

/** Most parse errors reported back per batch; the rest are counted only. */
const MAX_ERRORS = 20;

/** What {@link parseStandardLoggingPayloads} found in a request body. */
export interface ParsedPayloads {
  /** The items that are LiteLLM payloads, in their order. */
  payloads: Record<string, unknown>[];
  /** Lines or items that are not: invalid JSON, not an object, or an object with no `id`, `model` or `call_type`. */
  rejected: number;
  /** Why they were rejected (the first 20). */
  errors: string[];
}

/**
 * Reads what a `generic_api` logger posts: one payload object, an array (`json_array`), or text: a JSON array, one
 * JSON object (`single`, pretty-printed or not), or NDJSON, whose broken lines are reported and skipped. Records
 * nothing. Never throws.
 *
 * @example
 * ```ts
 * const { payloads, rejected, errors } = parseStandardLoggingPayloads(requestBody);
 * ```
 */
export function parseStandardLoggingPayloads(input: unknown): ParsedPayloads {
  const result: ParsedPayloads = { payloads: [], rejected: 0, errors: [] };
  const reject = (reason: string) => {
    result.rejected += 1;
    if (result.errors.length < MAX_ERRORS) result.errors.push(reason);
  };
  let items: readonly unknown[];
  let length: number;
  try {
    items = candidates(input, reject);
    length = items.length;
  } catch {
    reject('unreadable input');
    return result;
  }
  // Each item on its own: one that throws when read is rejected, the rest are still read.
  for (let index = 0; index < length; index++) {
    try {
      const payload = obj(items[index]);
      if (!payload) reject(`item ${index}: not a payload object`);
      else if (!looksLikePayload(payload)) reject(`item ${index}: not a LiteLLM payload (no id, model or call_type)`);
      else result.payloads.push(payload);
    } catch {
      reject(`item ${index}: unreadable`);
    }
  }
  return result;
}

/** Some field every LiteLLM payload (the StandardLoggingPayload and the legacy v1 shape) has. */
function looksLikePayload(payload: Record<string, unknown>): boolean {
  for (const key of PAYLOAD_KEYS) if (readString(payload[key]) !== undefined) return true;
  return false;
}

const PAYLOAD_KEYS = ['id', 'litellm_call_id', 'call_id', 'model', 'call_type'];

function candidates(input: unknown, reject: (reason: string) => void): readonly unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input !== 'string') {
    if (obj(input)) return [input];
    reject('input is not a payload');
    return [];
  }
  const text = input.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed;
      if (obj(parsed)) return [parsed];
    } catch {
      // Not one JSON value: NDJSON, read line by line below.
    }
  }
  const items: unknown[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const parsed: unknown = JSON.parse(line);
      if (Array.isArray(parsed)) items.push(...parsed);
      else items.push(parsed);
    } catch {
      reject(`line ${index + 1}: invalid JSON`);
    }
  });
  if (items.length === 0 && text === '') reject('empty body');
  return items;
}
