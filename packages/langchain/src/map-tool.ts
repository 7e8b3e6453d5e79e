import { readString } from '@agentops/llm-callback-core/adapter-kit';
import { readToolMessage } from './map-messages.js';
import { mapRunMetadata, type RunStartFields, runNameOf } from './map-run.js';
import { list, path, safely } from './read.js';

/** Tool input: the JSON arguments string parsed back into an object; other strings as given. */
export function mapToolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const trimmed = input.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return input;
  return safely(() => JSON.parse(trimmed) as unknown) ?? input;
}

/** The arguments of `handleToolStart` that mapping reads. */
export interface ToolStartArgs {
  serialized: unknown;
  input: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
  toolCallId: unknown;
}

/** `handleToolStart` → run-start fields. The tool's real name is `runName` (the class name is `DynamicStructuredTool`). */
export function mapToolStart(args: ToolStartArgs): RunStartFields {
  return {
    kind: 'tool',
    name: runNameOf(args.serialized, args.runName, 'tool'),
    input: mapToolInput(args.input),
    tool: {
      callId: readString(args.toolCallId),
      description: readString(path(args.serialized, 'kwargs', 'description')),
    },
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  };
}

/**
 * Tool output: a `ToolMessage`'s content (or the one inside a LangGraph `Command` update), else the value as given.
 * `isError` when the tool message reports `status: 'error'` (a tool error turned into a message for the model).
 */
export function mapToolOutput(output: unknown): { output: unknown; isError: boolean } {
  const message =
    readToolMessage(output) ??
    list(path(output, 'update', 'messages'))
      .map(readToolMessage)
      .find((found) => found !== undefined);
  return message ? { output: message.result, isError: message.isError } : { output, isError: false };
}
