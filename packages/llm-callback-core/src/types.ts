import type { AttributeValue, Context, Span, TracerProvider } from '@opentelemetry/api';

/**
 * A point in time as adapters receive it from frameworks: a `Date`, epoch milliseconds, or an ISO-8601 string.
 * Values that cannot be read fall back to "now".
 */
export type TimeInput = Date | number | string;

/** The operation an LLM call performs, as in `gen_ai.operation.name`. */
export type CallOperation = 'chat' | 'text_completion' | 'embeddings' | 'generate_content' | 'rerank' | (string & {});

/** Who wrote a message. Custom roles pass through unchanged. */
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool' | (string & {});

/** Plain text. */
export interface TextPart {
  type: 'text';
  content: string;
}

/** A tool call the model asked for. `arguments` may be a JSON string or an object. */
export interface ToolCallPart {
  type: 'tool_call';
  id?: string;
  name: string;
  arguments?: unknown;
}

/** The result of a tool call, sent back to the model. */
export interface ToolCallResponsePart {
  type: 'tool_call_response';
  id?: string;
  response: unknown;
}

/** Reasoning ("thinking") text. */
export interface ReasoningPart {
  type: 'reasoning';
  content: string;
}

/** Inline binary data: base64 text, or raw bytes that the core encodes only if content is recorded. */
export interface BlobPart {
  type: 'blob';
  modality: 'image' | 'video' | 'audio' | (string & {});
  mimeType?: string;
  content: string | Uint8Array;
}

/** A file uploaded to the provider beforehand, referenced by id. */
export interface FilePart {
  type: 'file';
  modality: 'image' | 'video' | 'audio' | (string & {});
  mimeType?: string;
  fileId: string;
}

/** Data referenced by URI. */
export interface UriPart {
  type: 'uri';
  modality: 'image' | 'video' | 'audio' | (string & {});
  mimeType?: string;
  uri: string;
}

/** One typed piece of a message. */
export type MessagePart =
  | TextPart
  | ToolCallPart
  | ToolCallResponsePart
  | ReasoningPart
  | BlobPart
  | FilePart
  | UriPart;

/** A message sent to the model. System prompts are messages with role `system`. */
export interface Message {
  role: MessageRole;
  parts: MessagePart[];
  /** Participant name, when the framework has one. */
  name?: string;
}

/** A message the model produced (one choice or candidate). */
export interface OutputMessage extends Message {
  /** Why generation stopped for this choice (`stop`, `length`, `tool_call`, `content_filter`, `error`, or raw). */
  finishReason?: string;
}

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters?: unknown;
  /** `function` for ordinary tools; provider-defined tools keep their own type. @default 'function' */
  type?: string;
}

/** Request parameters as the caller asked for them. Unknown or unreadable values are dropped. */
export interface RequestParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  /** Number of choices requested (`n`). */
  choiceCount?: number;
  /** Requested output type: `text`, `json`, `image`, `speech`, or a raw value. */
  responseFormat?: string;
  /** How the model may choose tools (`auto`, `none`, `required`, or a tool name). */
  toolChoice?: string;
}

/** Who and what a call or run belongs to. Every field is optional. */
export interface CallMetadata {
  /** AgentOps session id; groups spans in the AgentOps dashboard. */
  sessionId?: string;
  /** Conversation or thread id (`gen_ai.conversation.id`). */
  conversationId?: string;
  /** End user id (`user.id`). */
  userId?: string;
  /** Free-form tags (`agentops.tags`). */
  tags?: string[];
  /** Extra attributes set on the span as given (after key filtering and redaction of string values). */
  attributes?: Record<string, AttributeValue>;
}

/** Fields shared by every start event. */
interface StartEventBase {
  /** Caller-chosen key that identifies this call or run until it ends (a run id, a call id). */
  key: string;
  /** Key of the enclosing call or run. Unknown keys fall back to the active OpenTelemetry context. */
  parentKey?: string;
  /** The OpenTelemetry context to parent to when there is no `parentKey`. @default context.active() */
  parentContext?: Context;
  /** Framework name, recorded as `agentops.framework` (e.g. `litellm`, `vercel-ai`, `langchain`). */
  framework?: string;
  metadata?: CallMetadata;
  /** When it started. @default now */
  startTime?: TimeInput;
  /** Per-call override of content capture: `false` records no message text, arguments or results. */
  captureContent?: boolean;
  /**
   * How long this entry may stay open without events before the core ends it as incomplete.
   * @default the recorder's `inFlight.ttlMs`
   */
  idleTimeoutMs?: number;
}

/** An LLM call starts. */
export interface CallStartEvent extends StartEventBase {
  operation?: CallOperation;
  /** Provider as the framework names it (`openai`, `anthropic`, `azure`, `bedrock`, ...). */
  provider?: string;
  /** Requested model. */
  model?: string;
  params?: RequestParams;
  stream?: boolean;
  tools?: ToolDefinition[];
  messages?: Message[];
  /**
   * Builds the request messages instead of `messages`: the core calls it (once, at start, guarded) only when content
   * is recorded and the span is sampled, so an adapter pays nothing for them otherwise.
   */
  buildMessages?: () => Message[] | undefined;
  /** Host and port of the provider endpoint, when known. */
  serverAddress?: string;
  serverPort?: number;
  /**
   * Called (guarded) if the call ends without an end event (idle TTL, parent or session ended), to record what
   * the call had produced so far, e.g. a stream's partial output.
   */
  snapshot?: () => Omit<CallEndEvent, 'key' | 'endTime'> | undefined;
}

/** Token usage. Input includes cached tokens; output includes reasoning tokens. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningTokens?: number;
  /** True when the framework estimated the counts instead of reading them from the provider. */
  estimated?: boolean;
}

/** An LLM call ends successfully. */
export interface CallEndEvent {
  key: string;
  outputs?: OutputMessage[];
  finishReasons?: string[];
  usage?: Usage;
  responseId?: string;
  responseModel?: string;
  /** When the provider created the response. */
  responseCreated?: TimeInput;
  /** Cost in USD, when the framework knows it. */
  cost?: number;
  /** When the first chunk or token arrived, when the framework reports it rather than streaming through us. */
  firstChunkTime?: TimeInput;
  /** Non-fatal warnings the framework reported. */
  warnings?: string[];
  /** Extra attributes set on the span (after key filtering and redaction of string values). */
  attributes?: Record<string, AttributeValue>;
  /** When it ended. @default now */
  endTime?: TimeInput;
}

/** What went wrong, when an adapter knows more than the thrown value says. */
export interface ErrorInfo {
  /** Low-cardinality type for `error.type`, e.g. the error class (`RateLimitError`). */
  type?: string;
  message?: string;
  /** HTTP status code of the failed request. */
  statusCode?: number;
  /** Provider error code (`rate_limit_exceeded`, `context_length_exceeded`). */
  code?: string;
  /** Whether the framework considers the failure retryable. */
  retryable?: boolean;
}

/** Retry information, when known. */
export interface RetryInfo {
  /** Zero-based attempt number of this call. */
  attempt?: number;
  maxRetries?: number;
  /** Retries that happened before this event (for frameworks that report a total). */
  retryCount?: number;
  backoffMs?: number;
}

/** An LLM call fails. */
export interface CallErrorEvent {
  key: string;
  /** The thrown value (any type); read defensively. */
  error?: unknown;
  /** Details that override what is read from `error`. */
  errorInfo?: ErrorInfo;
  retry?: RetryInfo;
  /** Whatever the call produced before it failed (partial stream output, usage). */
  partial?: Omit<CallEndEvent, 'key' | 'endTime'>;
  endTime?: TimeInput;
}

/** The kinds of non-LLM work the core records. */
export type RunKind = 'workflow' | 'chain' | 'task' | 'agent' | 'tool' | 'retriever';

/** Non-LLM work starts: a chain or workflow, an agent, a tool execution or a retrieval. */
export interface RunStartEvent extends StartEventBase {
  kind: RunKind;
  name: string;
  /** Input as given; serialized once at the end, through redaction. */
  input?: unknown;
  /** Tool details (for `kind: 'tool'`). */
  tool?: { callId?: string; description?: string; type?: string };
}

/** Non-LLM work ends. */
export interface RunEndEvent {
  key: string;
  output?: unknown;
  /** The input, when it is only known at the end (streamed chains); used if the start event had none. */
  input?: unknown;
  attributes?: Record<string, AttributeValue>;
  endTime?: TimeInput;
}

/** Non-LLM work fails. */
export interface RunErrorEvent {
  key: string;
  error?: unknown;
  /** The input, when it is only known at the end; used if the start event had none. */
  input?: unknown;
  errorInfo?: ErrorInfo;
  endTime?: TimeInput;
}

/** Options for ending a call or run. */
export interface EndOptions {
  /**
   * Hold the span open this long so that duplicate end events for the same key (LiteLLM sends sync and async
   * ones) are merged into it: missing fields are filled from later events. Later duplicates are counted and
   * ignored. The span keeps the first event's end time. @default 0 (end at once)
   */
  mergeWindowMs?: number;
}

/** How much message content to record. */
export type ContentCapture = 'all' | 'metadata' | 'none';

/** What a redaction hook is told about the value it sees. */
export interface RedactionContext {
  /** Attribute the value is going to (`gen_ai.prompt.0.content`, `tool.parameters`, ...). */
  attribute: string;
  /** What kind of span it belongs to. */
  spanKind: 'llm' | RunKind | 'session';
}

/** Names of the opt-in PII rules. */
export type PiiRuleName = 'email' | 'phone' | 'payment_card' | 'iban' | 'us_ssn' | 'uk_nino' | 'ip_address';

/** Redaction policy. Resolved once per recorder: option, then environment, then default. */
export interface RedactionOptions {
  /**
   * Built-in secret rules (provider API keys, bearer tokens, JWTs, private keys, credentials in URLs, ...).
   * @default true
   */
  secrets?: boolean;
  /** Opt-in PII rules: `true` for all of them, or a list of rule names. @default false */
  pii?: boolean | PiiRuleName[];
  /**
   * Your own redaction, applied to every string value after the built-in rules. If it throws, the whole value is
   * replaced by `[REDACTED]` (fail closed).
   */
  redact?: (value: string, context: RedactionContext) => string;
  /** Longest content value, in characters; longer values are cut with a visible marker, JSON stays valid. @default 32768 */
  maxContentLength?: number;
  /** Extra object keys never exported (matched case-insensitively), on top of `api_key`, `authorization`, ... */
  dropKeys?: string[];
}

/** Which attribute conventions to emit. */
export interface SemconvOptions {
  /** AgentOps keys and `{name}.{kind}` span names. @default true */
  agentops?: boolean;
  /**
   * The latest GenAI conventions' JSON attributes (`gen_ai.input.messages`, ...).
   * @default true when `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`
   */
  genaiLatest?: boolean;
}

/** Bounds on in-flight state. */
export interface InFlightOptions {
  /** Idle time after which an open entry is ended as incomplete. @default 900000 (15 minutes) */
  ttlMs?: number;
  /** Most entries kept open; the oldest is ended as incomplete beyond it. @default 10000 */
  maxEntries?: number;
}

/** The event a span was last updated from, as passed to `enrichSpan`. */
export type SpanEventName = 'call.end' | 'call.error' | 'run.end' | 'run.error' | 'expired';

/** Options every adapter accepts and passes to the core. */
export interface CoreOptions {
  /** Where spans go. @default the global tracer provider */
  tracerProvider?: TracerProvider;
  /**
   * Content capture: `'all'`, `'metadata'` (no text, arguments or results; sizes and counts kept) or `'none'`.
   * `true` is `'all'`, `false` is `'none'`. @default 'all', unless `AGENTOPS_CAPTURE_CONTENT=false` or
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`
   */
  captureContent?: ContentCapture | boolean;
  redaction?: RedactionOptions;
  semconv?: SemconvOptions;
  inFlight?: InFlightOptions;
  /**
   * Called before a span ends, with the span and what ended it, to add your own attributes. Errors are caught and
   * logged; they never affect the span.
   */
  enrichSpan?: (span: Span, event: { name: SpanEventName; key: string; kind: 'llm' | RunKind }) => void;
  /**
   * The attribute-count limit of your tracer provider's spans. Prompts beyond it are left out (oldest first, system
   * prompts kept, counted in `agentops.prompt.omitted_count`) so that the SDK never drops the completion instead.
   * @default `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, else `OTEL_ATTRIBUTE_COUNT_LIMIT`, else 128 (the SDK's default)
   */
  maxAttributesPerSpan?: number;
  /** Turn everything off. @default true when `AGENTOPS_DISABLED=true` or `OTEL_SDK_DISABLED=true` */
  disabled?: boolean;
}

/** Counters that show what the recorder did; useful in tests and health checks. */
export interface RecorderStats {
  /** Calls and runs currently open. */
  inFlight: number;
  started: number;
  ended: number;
  /** End or start events for a key that had already ended (ignored). */
  duplicates: number;
  /** End events for keys never started and not recently ended (ignored). */
  unknownKeys: number;
  /** Entries ended by the idle TTL. */
  expired: number;
  /** Entries ended because the capacity was reached. */
  evicted: number;
  /** Internal failures caught and logged. */
  internalErrors: number;
}

/** A started LLM call. Calling its methods is the same as the keyed ones, without a map lookup. */
export interface CallHandle {
  readonly key: string;
  /**
   * Whether this call's span records message content (it is sampled and content capture is not `'none'`). When
   * `false`, an adapter may skip building `outputs`: the core would not read them.
   */
  readonly recordsContent: boolean;
  /** Record one streamed chunk: O(1), no allocation. */
  chunk(time?: number): void;
  /** Keep the call alive (a ping or keep-alive part) without counting a chunk. */
  touch(): void;
  end(event?: Omit<CallEndEvent, 'key'>, options?: EndOptions): void;
  fail(event?: Omit<CallErrorEvent, 'key'>): void;
}

/** Records LLM calls and runs as spans. Every method is safe to call with anything: it never throws. */
export interface LlmSpanRecorder {
  /**
   * The content capture this recorder resolved from its options and the environment (`AGENTOPS_CAPTURE_CONTENT`,
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`); `'none'` when the recorder is disabled. An adapter can
   * skip reading content (tool schemas, messages, outputs) up front when it is `'none'`; per call, see
   * {@link CallHandle.recordsContent}.
   */
  readonly contentCapture: ContentCapture;
  startCall(event: CallStartEvent): CallHandle;
  /** Record one streamed chunk. `time` is `performance.now()`-based milliseconds; default now. */
  recordChunk(key: string, time?: number): void;
  /** Keep an open call or run alive without counting a chunk (resets its idle timer). */
  touch(key: string): void;
  endCall(event: CallEndEvent, options?: EndOptions): void;
  failCall(event: CallErrorEvent, options?: EndOptions): void;
  startRun(event: RunStartEvent): void;
  endRun(event: RunEndEvent, options?: EndOptions): void;
  failRun(event: RunErrorEvent, options?: EndOptions): void;
  /** True while `key` is open. */
  isOpen(key: string): boolean;
  /** True when `key` has ended recently (its later events are duplicates). */
  hasEnded(key: string): boolean;
  /** Context with the span of `key` active, for running user code under it; `undefined` if not open. */
  contextFor(key: string): Context | undefined;
  /** Ends every open entry of this recorder as incomplete, with the reason. */
  endAll(reason?: string): void;
  stats(): RecorderStats;
}

/** End state of a session, as the AgentOps dashboard shows it. */
export type SessionEndState = 'Success' | 'Fail' | 'Indeterminate';

/** Options for {@link startSession}. */
export interface SessionOptions {
  /** Session name; the span is `{name}.session`. @default 'session' */
  name?: string;
  tags?: string[];
  /** Session id; generated when absent. */
  sessionId?: string;
  /**
   * Nest the session under the active span instead of starting a new trace (then AgentOps may not take the trace's
   * name and tags from it). @default false
   */
  nested?: boolean;
  tracerProvider?: TracerProvider;
  /**
   * Whether calls with no other parent may fall back to this session when it is the newest open one. Set `false` in
   * multi-tenant services (one session per caller): then only work running in `session.context` (or given it as
   * `parentContext`) nests under it. @default true
   */
  implicit?: boolean;
  /** When the session started, if before now (events ingested after the fact). @default now */
  startTime?: TimeInput;
  /** Extra attributes on the session span. */
  attributes?: Record<string, AttributeValue>;
}

/** A started session. */
export interface SessionHandle {
  readonly sessionId: string;
  readonly name: string;
  /** The context with the session span active. */
  readonly context: Context;
  readonly ended: boolean;
  /** End the session and every span still open under it. @default 'Success' */
  end(state?: SessionEndState, reason?: string): void;
}
