import type { Message } from '@agentops/llm-callback-core';
import { fromOpenAIChatMessages, readArray } from '@agentops/llm-callback-core/adapter-kit';
import { isMarker, parseJson } from './read.js';

/**
 * Request messages as LiteLLM logs them. The shapes themselves (OpenAI chat, Anthropic blocks, Responses-API items)
 * are the core's `fromOpenAIChatMessages`; this adds LiteLLM's quirks: messages serialized into a string (read back
 * when they parse), a plain prompt or redacted string, and `safe_json_dumps` placeholders, which are skipped.
 */
export function mapMessages(value: unknown): Message[] | undefined {
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    if (parsed !== undefined) return mapMessages(parsed);
    return isMarker(value) ? undefined : fromOpenAIChatMessages(value);
  }
  const list = readArray(value);
  return fromOpenAIChatMessages(list ? list.filter((item) => !isMarker(item)) : value);
}
