import type { CallMetadata, ErrorInfo, RunStartEvent } from '@agentops/llm-callback-core';
import { copyFields, field, readString, readStringArray } from '@agentops/llm-callback-core/adapter-kit';
import { hasDefined, list, lookup, path, readStringOnly } from './read.js';

/** What a chain, agent, tool or retriever start says, as a core run-start event (the handler adds key and parents). */
export type RunStartFields = Omit<RunStartEvent, 'key' | 'parentKey' | 'parentContext' | 'framework'>;

/** Tags LangChain and LangGraph add for their own plumbing; they would drown the user's tags. */
const SYSTEM_TAG = /^(?:seq:step:\d+|graph:step:\d+|langsmith:.*|nostream)$/;

/** The class path LangChain serialized a runnable as (`id`), e.g. `[..., 'openai', 'ChatOpenAI']`. */
export function classPath(serialized: unknown): string[] {
  return list(field(serialized, 'id')).filter((part): part is string => typeof part === 'string');
}

/** The name LangChain shows for a run: `runName`, the serialized name, or the class name. */
export function runNameOf(serialized: unknown, runName: unknown, fallback: string): string {
  return readString(runName) ?? readString(field(serialized, 'name')) ?? classPath(serialized).at(-1) ?? fallback;
}

/** What {@link mapRunMetadata} reads of run metadata, read directly and all at once (see `copyFields`). */
interface RunMetadataFields {
  thread_id?: unknown;
  conversation_id?: unknown;
  session_id?: unknown;
  user_id?: unknown;
  userId?: unknown;
}

const RUN_METADATA_KEYS = ['thread_id', 'conversation_id', 'session_id', 'user_id', 'userId'];

function runMetadataFields(metadata: unknown): RunMetadataFields {
  if (metadata === null || typeof metadata !== 'object') return {};
  try {
    const { thread_id, conversation_id, session_id, user_id, userId } = metadata as RunMetadataFields;
    return { thread_id, conversation_id, session_id, user_id, userId };
  } catch {
    return copyFields<RunMetadataFields>(metadata, RUN_METADATA_KEYS);
  }
}

/** Run metadata → core metadata: the user's tags (not LangChain's), conversation and user ids. */
export function mapRunMetadata(metadata: unknown, tags: unknown): CallMetadata | undefined {
  const userTags = readStringArray(tags)?.filter((tag) => !SYSTEM_TAG.test(tag));
  const fields = runMetadataFields(metadata);
  const mapped: CallMetadata = {
    tags: userTags && userTags.length > 0 ? userTags : undefined,
    conversationId: readString(fields.thread_id) ?? readString(fields.conversation_id) ?? readString(fields.session_id),
    userId: readString(fields.user_id) ?? readString(fields.userId),
  };
  return hasDefined(mapped) ? mapped : undefined;
}

/** LangChain error codes (`lc_error_code`) whose retry outcome is known. */
const RETRYABLE_BY_LC_CODE: Record<string, boolean> = {
  MODEL_RATE_LIMIT: true,
  MODEL_AUTHENTICATION: false,
  MODEL_NOT_FOUND: false,
  INVALID_PROMPT_INPUT: false,
  INVALID_TOOL_RESULTS: false,
  MESSAGE_COERCION_FAILURE: false,
};

/**
 * What the core would not find on its own: an OpenAI-style nested `error.code` or LangChain's `lc_error_code` (e.g.
 * `MODEL_RATE_LIMIT`, which also says whether a retry may help). The core reads type, message and HTTP status itself.
 */
export function mapErrorInfo(error: unknown): ErrorInfo | undefined {
  const lcCode = readString(field(error, 'lc_error_code'));
  const info: ErrorInfo = {
    code: readStringOnly(field(error, 'code')) ?? readString(path(error, 'error', 'code')) ?? lcCode,
    retryable: lcCode === undefined ? undefined : lookup(RETRYABLE_BY_LC_CODE, lcCode),
  };
  return hasDefined(info) ? info : undefined;
}
