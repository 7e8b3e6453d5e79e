/**
 * Helpers for adapter authors: defensive readers for untyped framework payloads, and the normalization of
 * OpenAI-format messages and tools into the core's event types. Each never throws: a getter that throws, a Proxy or
 * a wrong type reads as `undefined`.
 *
 * @example
 * ```ts
 * import { field, readCount, readString } from '@agentops/llm-callback-core/adapter-kit';
 * const model = readString(field(payload, 'model'));
 * const inputTokens = readCount(field(field(payload, 'usage'), 'prompt_tokens'));
 * ```
 */

export { disabledByEnv as isDisabledByEnvironment } from './config.js';
export {
  copyFields,
  field,
  readArray,
  readBoolean,
  readCount,
  readNumber,
  readString,
  readStringArray,
  safeIndex,
} from './internal/read.js';
export { toEpochMillis } from './internal/time.js';
export {
  fromOpenAIChatMessages,
  fromOpenAIContent,
  fromOpenAIMessage,
  fromOpenAIResponseOutput,
  fromOpenAITools,
} from './openai-messages.js';
