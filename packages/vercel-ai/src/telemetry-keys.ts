import { ATTR } from '@agentops/llm-callback-core';

/** `ATTR` keys with a `{placeholder}` suffix, as prefixes to append the key or statistic to. */
const prefix = (template: string) => template.slice(0, template.indexOf('{'));

/** Prefix of the caller's `runtimeContext` entries on run spans (`ATTR.AI_SDK_RUNTIME_CONTEXT`). */
export const RUNTIME_CONTEXT_PREFIX = prefix(ATTR.AI_SDK_RUNTIME_CONTEXT);

/** Prefix of the chunk-gap statistics on LLM spans (`ATTR.PERFORMANCE_CHUNK_GAP`). */
export const CHUNK_GAP_PREFIX = prefix(ATTR.PERFORMANCE_CHUNK_GAP);
