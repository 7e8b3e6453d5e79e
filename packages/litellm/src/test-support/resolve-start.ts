import type { Message } from '@agentops/llm-callback-core';
import type { StartFields } from '../map-kwargs.js';

/** A start event with its lazy request messages built, as the core reads it for a span that records content. */
export function resolveStart(start: StartFields): Omit<StartFields, 'buildMessages'> & { messages?: Message[] } {
  const { buildMessages, ...rest } = start;
  const messages = buildMessages?.();
  return messages === undefined ? rest : { ...rest, messages };
}
