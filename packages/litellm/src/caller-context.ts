import { readArray, readString } from '@agentops/llm-callback-core/adapter-kit';
import { type Context, createTraceState, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { obj, parseJson } from './read.js';

// What the application that called LiteLLM passed along for tracing: its W3C trace context and its AgentOps session
// id. LiteLLM forwards neither as such; they reach the logging data through the caller's request metadata
// (`metadata: {...}` in the request body, which the proxy copies to `requester_metadata`) or through the inbound
// HTTP headers that the proxy copies into the request metadata (`headers`; LiteLLM 1.82 also copies them into
// `requester_metadata.headers`) and `proxy_server_request.headers`. Only the keys below are read from them.

/** Request-metadata key and header that carry the caller's AgentOps session id. */
export const SESSION_ID_KEY = 'agentops_session_id';
/** HTTP header that carries the caller's AgentOps session id. */
export const SESSION_ID_HEADER = 'x-agentops-session-id';

/** Where to look: request-metadata objects (explicit keys) and header maps, most specific first. */
export interface CallerSources {
  metadata: unknown[];
  headers: unknown[];
}

/** What the caller passed along. */
export interface CallerInfo {
  /** The caller's span as a remote parent, from a valid W3C `traceparent` (and `tracestate`). */
  parentContext?: Context;
  /** The caller's AgentOps session id. */
  sessionId?: string;
}

/** The caller's trace context and session id from the given sources; fields that are not found are absent. */
export function callerOf(sources: CallerSources): CallerInfo {
  try {
    return findCaller(sources);
  } catch {
    // Hostile input (a throwing getter or Proxy): no caller context rather than no span.
    return {};
  }
}

function findCaller(sources: CallerSources): CallerInfo {
  const metadata = objectsOf(sources.metadata);
  const headers = objectsOf(sources.headers);
  const traceparent = fromMetadata(metadata, 'traceparent') ?? fromHeaders(headers, 'traceparent');
  const parentContext = traceparent
    ? remoteParent(traceparent, fromMetadata(metadata, 'tracestate') ?? fromHeaders(headers, 'tracestate'))
    : undefined;
  const sessionId = fromMetadata(metadata, SESSION_ID_KEY) ?? fromHeaders(headers, SESSION_ID_HEADER);
  const caller: CallerInfo = {};
  if (parentContext) caller.parentContext = parentContext;
  if (sessionId) caller.sessionId = sessionId;
  return caller;
}

/** The sources that are objects (or JSON text of one); most calls have none or one. */
function objectsOf(values: unknown[]): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const value of values) {
    const object = asObject(value);
    if (object) objects.push(object);
  }
  return objects;
}

function fromMetadata(sources: Record<string, unknown>[], key: string): string | undefined {
  for (const source of sources) {
    const value = readString(source[key]);
    if (value) return value;
  }
  return undefined;
}

function fromHeaders(sources: Record<string, unknown>[], name: string): string | undefined {
  for (const source of sources) {
    const value = headerValue(source, name);
    if (value) return value;
  }
  return undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** A context whose span is the caller's (remote) span; `undefined` for an invalid `traceparent`. */
export function remoteParent(traceparent: string, tracestate?: string): Context | undefined {
  const match = TRACEPARENT.exec(traceparent.trim());
  const [, version, traceId, spanId, flags, rest] = match ?? [];
  // Version ff is invalid; version 00 has exactly four fields (later versions may append more).
  if (!version || !traceId || !spanId || !flags || version === 'ff' || (version === '00' && rest)) return undefined;
  const spanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
    ...(tracestate && { traceState: createTraceState(tracestate) }),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}

/** A header's value, matched case-insensitively; the first value of a list. */
function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = headers[key];
    const text = readString(readArray(value)?.[0] ?? value);
    if (text) return text;
  }
  return undefined;
}

/** An object, also when LiteLLM serialized it to a JSON string (multipart requests send metadata as text). */
function asObject(value: unknown): Record<string, unknown> | undefined {
  return obj(value) ?? (typeof value === 'string' ? obj(parseJson(value)) : undefined);
}
