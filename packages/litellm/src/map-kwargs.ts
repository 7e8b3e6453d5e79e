import type {
  CallEndEvent,
  CallErrorEvent,
  CallMetadata,
  CallStartEvent,
  RequestParams,
} from '@agentops/llm-callback-core';
import { ATTR } from '@agentops/llm-callback-core';
import {
  fromOpenAITools,
  readArray,
  readCount,
  readNumber,
  readString,
  toEpochMillis,
} from '@agentops/llm-callback-core/adapter-kit';
import type { AttributeValue } from '@opentelemetry/api';
import { type CallerInfo, callerOf } from './caller-context.js';
import { mapError } from './map-error.js';
import { mapMessages } from './map-messages.js';
import { mapResponse, mapUsage } from './map-response.js';
import { bool, first, nonEmpty, obj } from './read.js';

/** The start event of a call, without its key. */
export type StartFields = Omit<CallStartEvent, 'key'>;
/** The end event of a call, without its key; for a failure, what the call produced before it failed. */
export type EndFields = Omit<CallEndEvent, 'key'>;
/** Why a call failed. */
export type ErrorFields = Pick<CallErrorEvent, 'error' | 'errorInfo' | 'retry'>;

/**
 * One LiteLLM call, translated. Each event is built only when needed: the start only when the call is not open yet
 * (LiteLLM's success event usually follows a pre-call event that opened it), the error only for failures. Fields
 * left `undefined` are absent for the core.
 */
export interface MappedCall {
  /** The call id, when the input had one. */
  key: string | undefined;
  /** The payload says the call failed. */
  failed: boolean;
  start(): StartFields;
  /** The end event (without content, the output messages are not read). */
  end(): EndFields;
  error(): ErrorFields;
}

const OPERATIONS: Record<string, string> = {
  completion: 'chat',
  acompletion: 'chat',
  responses: 'chat',
  aresponses: 'chat',
  anthropic_messages: 'chat',
  text_completion: 'text_completion',
  atext_completion: 'text_completion',
  embedding: 'embeddings',
  aembedding: 'embeddings',
  rerank: 'rerank',
  arerank: 'rerank',
  generate_content: 'generate_content',
  agenerate_content: 'generate_content',
};

/** `gen_ai.operation.name` for a LiteLLM `call_type`; unknown types are left to the core's default. */
export function mapOperation(callType: unknown): string | undefined {
  const type = readString(callType);
  return type && Object.hasOwn(OPERATIONS, type) ? OPERATIONS[type] : undefined;
}

/** Request parameters from `optional_params` / `model_parameters` (OpenAI names, Responses-API `max_output_tokens`). */
export function mapParams(value: unknown): RequestParams | undefined {
  const source = obj(value);
  if (!source) return undefined;
  const stop = source.stop;
  const format = readString(source.response_format) ?? readString(obj(source.response_format)?.type);
  const choice = obj(source.tool_choice);
  return nonEmpty<RequestParams>({
    temperature: readNumber(source.temperature),
    maxTokens: readCount(first(source.max_tokens, source.max_completion_tokens, source.max_output_tokens)),
    topP: readNumber(source.top_p),
    topK: readNumber(source.top_k),
    frequencyPenalty: readNumber(source.frequency_penalty),
    presencePenalty: readNumber(source.presence_penalty),
    stopSequences: typeof stop === 'string' ? [stop] : readArray(stop)?.filter((item) => typeof item === 'string'),
    seed: readNumber(source.seed),
    choiceCount: readCount(source.n),
    responseFormat: format?.startsWith('json') ? 'json' : format,
    toolChoice:
      readString(source.tool_choice) ??
      readString(obj(choice?.function)?.name) ??
      readString(choice?.name) ??
      readString(choice?.type),
  });
}

type Server = Pick<CallStartEvent, 'serverAddress' | 'serverPort'>;
const NO_SERVER: Server = Object.freeze({});
/** Parsed `api_base` values: a deployment has a handful, and `new URL` is the dearest read of a call. */
const servers = new Map<string, Server>();
const MAX_SERVERS = 256;

/** `server.address` / `server.port` from an `api_base` URL (a shared, frozen object). */
export function mapServer(apiBase: unknown): Server {
  const text = readString(apiBase);
  if (text === undefined) return NO_SERVER;
  let server = servers.get(text);
  if (server === undefined) {
    server = parseServer(text);
    if (servers.size >= MAX_SERVERS) servers.clear();
    servers.set(text, server);
  }
  return server;
}

function parseServer(apiBase: string): Server {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    return NO_SERVER;
  }
  const port = url.port
    ? Number(url.port)
    : url.protocol === 'https:'
      ? 443
      : url.protocol === 'http:'
        ? 80
        : undefined;
  const address = url.hostname || undefined;
  return Object.freeze(nonEmpty({ serverAddress: address, serverPort: port }) ?? {});
}

/** Tags as strings, without the `User-Agent: ...` tags LiteLLM adds on the proxy. */
export function mapTags(value: unknown): string[] | undefined {
  const tags = readArray(value)?.filter(
    (tag): tag is string => typeof tag === 'string' && !tag.startsWith('User-Agent: '),
  );
  return tags?.length ? tags : undefined;
}

/** Call metadata; `attributes` carries LiteLLM's ids (`litellm.*`). */
export function mapMetadata(fields: {
  tags?: unknown;
  userId?: unknown;
  sessionId?: unknown;
  attributes: Record<string, AttributeValue | undefined>;
}): CallMetadata | undefined {
  return nonEmpty<CallMetadata>({
    tags: mapTags(fields.tags),
    userId: readString(fields.userId),
    sessionId: readString(fields.sessionId),
    attributes: nonEmpty(fields.attributes) as Record<string, AttributeValue> | undefined,
  });
}

/** The call id of a callback's kwargs. */
export function callKeyOf(kwargs: unknown): string | undefined {
  const source = obj(kwargs);
  return readString(source?.litellm_call_id) ?? readString(obj(source?.litellm_params)?.litellm_call_id);
}

/** `litellm_params.metadata` (SDK, proxy) or `litellm_metadata` (`/v1/messages`, `/v1/responses`). */
export function requestMetadataOf(kwargs: Record<string, unknown>): Record<string, unknown> {
  const params = obj(kwargs.litellm_params);
  return obj(params?.metadata) ?? obj(params?.litellm_metadata) ?? {};
}

/**
 * The caller's trace context and AgentOps session id in raw kwargs: its request metadata (SDK `metadata`, proxy
 * `requester_metadata`) and the inbound headers the proxy keeps (`metadata.headers`, `proxy_server_request.headers`).
 */
export function callerOfKwargs(kwargs: Record<string, unknown>): CallerInfo {
  const metadata = requestMetadataOf(kwargs);
  const requester = obj(metadata.requester_metadata);
  const proxyRequest = obj(obj(kwargs.litellm_params)?.proxy_server_request);
  return callerOf({
    metadata: [requester, metadata],
    headers: [requester?.headers, metadata.headers, proxyRequest?.headers],
  });
}

/**
 * The start of a call from raw kwargs (`model` and `messages` are `log_pre_api_call`'s own arguments). The request
 * messages are left to a builder, which the core calls only for a sampled span that records content; without
 * content (`withContent: false`) the tool definitions are not read either.
 */
export function startFromKwargs(
  kwargs: Record<string, unknown>,
  model?: unknown,
  messages?: unknown,
  withContent = true,
): StartFields {
  const params = obj(kwargs.litellm_params) ?? {};
  const metadata = requestMetadataOf(kwargs);
  // optional_params is also spread at the top level; read the top level when it is missing.
  const optional = obj(kwargs.optional_params) ?? kwargs;
  const caller = callerOfKwargs(kwargs);
  const server = mapServer(params.api_base);
  const source = first(messages, kwargs.messages, kwargs.input, kwargs.prompt);
  return {
    operation: mapOperation(kwargs.call_type),
    provider: readString(kwargs.custom_llm_provider) ?? readString(params.custom_llm_provider),
    model: readString(metadata.model_group) ?? readString(model) ?? readString(kwargs.model),
    params: mapParams(optional),
    stream: bool(first(kwargs.stream, optional.stream)),
    tools: withContent ? fromOpenAITools(first(optional.tools, optional.functions)) : undefined,
    buildMessages: source === undefined ? undefined : () => mapMessages(source),
    serverAddress: server.serverAddress,
    serverPort: server.serverPort,
    metadata: mapMetadata({
      tags: metadata.tags,
      userId: first(kwargs.user, optional.user, metadata.user_api_key_end_user_id),
      sessionId: caller.sessionId,
      attributes: {
        [ATTR.LITELLM_CALL_ID]: callKeyOf(kwargs),
        // The order LiteLLM uses for the payload's trace_id.
        [ATTR.LITELLM_TRACE_ID]:
          readString(params.litellm_session_id) ??
          readString(params.litellm_trace_id) ??
          readString(kwargs.litellm_trace_id),
        [ATTR.LITELLM_CALL_TYPE]: readString(kwargs.call_type),
      },
    }),
    parentContext: caller.parentContext,
    startTime: toEpochMillis(kwargs.start_time),
  };
}

/** A whole call from raw kwargs and the callback's response object, for LiteLLM versions without a payload. */
export function mapKwargsCall(kwargs: Record<string, unknown>, responseObj: unknown, withContent = true): MappedCall {
  return {
    key: callKeyOf(kwargs),
    failed: false,
    start: () => startFromKwargs(kwargs, undefined, undefined, withContent),
    end: () => kwargsEnd(kwargs, responseObj, withContent),
    error: () => mapError({ exception: kwargs.exception, metadata: requestMetadataOf(kwargs) }),
  };
}

function kwargsEnd(kwargs: Record<string, unknown>, responseObj: unknown, withOutputs: boolean): EndFields {
  const response = first(responseObj, kwargs.complete_streaming_response, kwargs.async_complete_streaming_response);
  const fields = mapResponse(response, withOutputs);
  const endTime = toEpochMillis(kwargs.end_time);
  const cost = readNumber(kwargs.response_cost);
  const stream = bool(first(kwargs.stream, (obj(kwargs.optional_params) ?? kwargs).stream));
  return {
    outputs: fields.outputs,
    finishReasons: fields.finishReasons,
    usage: fields.usage ?? mapUsage(kwargs.combined_usage_object),
    responseId: fields.responseId,
    responseModel: fields.responseModel ?? readString(kwargs.model),
    responseCreated: fields.responseCreated,
    // LiteLLM logs 0 or null when pricing raced or failed; only a positive cost is a cost.
    cost: cost !== undefined && cost > 0 ? cost : undefined,
    firstChunkTime: firstChunk(stream, kwargs.completion_start_time, endTime),
    attributes: nonEmpty({ [ATTR.LITELLM_CACHE_HIT]: bool(kwargs.cache_hit) }),
    endTime,
  };
}

/** The first-chunk time of a stream; LiteLLM sets it to the end time when there was none. */
export function firstChunk(
  stream: boolean | undefined,
  value: unknown,
  endTime: number | undefined,
): number | undefined {
  if (!stream) return undefined;
  const time = toEpochMillis(value);
  return time !== undefined && (endTime === undefined || time < endTime) ? time : undefined;
}
