import type { MessagePart } from '@agentops/llm-callback-core';
import { field, readString } from '@agentops/llm-callback-core/adapter-kit';
import { type MappedEnd, mapContentPart, mapFinish, mapResponseMetadata, outputMessages } from './map-result.js';
import { formatWarnings, readText } from './normalize.js';

/** Characters of streamed text kept for the span; the rest is counted, not stored, so a runaway stream stays bounded. */
export const MAX_STREAMED_CHARS = 1_048_576;

const TRUNCATED_MARKER = '…[truncated by agentops]';

/** One output block in stream order: a text, reasoning or tool-input block built from deltas, or a whole part. */
interface Block {
  kind: 'text' | 'reasoning' | 'tool-input' | 'part';
  chunks: string[];
  id?: string;
  toolName?: string;
  part?: MessagePart;
}

/**
 * Collects a model stream (V2, V3 or V4 stream parts) into what the span needs at the end, in O(1) per part: a
 * `switch` on the part type, a `Map` lookup and an array push. Strings are joined once, in {@link result}. Never
 * throws, whatever it is fed. Made per call (also for calls that do not stream), so it allocates nothing until a part
 * needs it; with `keepContent: false` (a span that records no content) it keeps no text and builds no output message.
 */
export class StreamAccumulator {
  private readonly blocks: Block[] = [];
  /** Open blocks by stream id, per kind of delta; each map made when its first delta arrives. */
  private readonly open: Partial<Record<'text' | 'reasoning' | 'tool-input', Map<string, Block>>> = {};
  private readonly end: MappedEnd = {};
  private finishReason: unknown;
  private usage: unknown;
  private chars = 0;
  private truncated = false;
  /** Whether a `finish` part arrived (a stream cut short has none). */
  finished = false;
  /** The first in-stream `error` part's error; `hasError` tells an `undefined` error from none. */
  error: unknown;
  hasError = false;

  constructor(private readonly keepContent = true) {}

  /**
   * Records one stream part. Returns `true` for output parts (deltas, tool input and calls, files, sources), the ones
   * that count as chunks for time to first chunk; `false` for framing (`stream-start`, `response-metadata`, `finish`,
   * `raw`, `ping`) and anything unreadable.
   */
  add(part: unknown): boolean {
    const type = field(part, 'type');
    switch (type) {
      case 'text-delta':
        if (this.keepContent) this.append('text', part);
        return true;
      case 'reasoning-delta':
        if (this.keepContent) this.append('reasoning', part);
        return true;
      case 'tool-input-start': {
        if (!this.keepContent) return true;
        const id = readString(field(part, 'id')) ?? '';
        const block: Block = { kind: 'tool-input', chunks: [], id, toolName: readString(field(part, 'toolName')) };
        this.openBlocks('tool-input').set(id, block);
        this.blocks.push(block);
        return true;
      }
      case 'tool-input-delta':
        if (this.keepContent) this.append('tool-input', part);
        return true;
      case 'tool-call': {
        if (!this.keepContent) return true;
        const mapped = mapContentPart(part);
        const block = this.open['tool-input']?.get(readString(field(part, 'toolCallId')) ?? '');
        // The complete call replaces the input streamed for it, in the same place.
        if (block !== undefined && mapped !== undefined) {
          block.kind = 'part';
          block.part = mapped;
          block.chunks = [];
        } else if (mapped !== undefined) {
          this.blocks.push({ kind: 'part', chunks: [], part: mapped });
        }
        return true;
      }
      case 'tool-result':
      case 'file':
      case 'reasoning-file': {
        if (!this.keepContent) return true;
        const mapped = mapContentPart(part);
        if (mapped !== undefined) this.blocks.push({ kind: 'part', chunks: [], part: mapped });
        return true;
      }
      case 'source':
        return true;
      case 'stream-start': {
        const warnings = formatWarnings(field(part, 'warnings'));
        if (warnings !== undefined) this.end.warnings = warnings;
        return false;
      }
      case 'response-metadata':
        mapResponseMetadata(part, this.end);
        return false;
      case 'finish':
        this.finished = true;
        this.finishReason = field(part, 'finishReason');
        this.usage = field(part, 'usage');
        return false;
      case 'error':
        if (!this.hasError) {
          this.hasError = true;
          this.error = field(part, 'error');
        }
        return false;
      default:
        return false;
    }
  }

  private openBlocks(kind: 'text' | 'reasoning' | 'tool-input'): Map<string, Block> {
    const existing = this.open[kind];
    if (existing !== undefined) return existing;
    const created = new Map<string, Block>();
    this.open[kind] = created;
    return created;
  }

  private append(kind: 'text' | 'reasoning' | 'tool-input', part: unknown): void {
    const delta = readText(field(part, 'delta'));
    if (delta === undefined || delta.length === 0) return;
    const id = readString(field(part, 'id')) ?? '';
    const map = this.openBlocks(kind);
    let block = map.get(id);
    if (block === undefined) {
      // A delta without its start part: keep it rather than lose the text.
      block = { kind, chunks: [], id };
      map.set(id, block);
      this.blocks.push(block);
    }
    if (this.chars >= MAX_STREAMED_CHARS) {
      this.truncated = true;
      return;
    }
    this.chars += delta.length;
    block.chunks.push(delta);
  }

  /** The end event for what arrived so far: output message, finish reason, usage, response metadata, warnings. */
  result(): MappedEnd {
    const end: MappedEnd = { ...this.end };
    const parts: MessagePart[] = [];
    for (const block of this.blocks) {
      const part = toPart(block);
      if (part !== undefined) parts.push(part);
    }
    if (this.truncated) {
      const last = parts.findLast((part) => part.type === 'text' || part.type === 'reasoning');
      if (last !== undefined && (last.type === 'text' || last.type === 'reasoning')) last.content += TRUNCATED_MARKER;
    }
    const finishReason = this.finished ? mapFinish(this.finishReason, this.usage, end) : undefined;
    const outputs = this.keepContent ? outputMessages(parts, finishReason) : undefined;
    if (outputs !== undefined) end.outputs = outputs;
    return end;
  }
}

function toPart(block: Block): MessagePart | undefined {
  switch (block.kind) {
    case 'part':
      return block.part;
    case 'text':
    case 'reasoning':
      return { type: block.kind, content: block.chunks.join('') };
    case 'tool-input':
      // Input that never became a complete `tool-call` (the stream was cut): record what was streamed.
      return {
        type: 'tool_call',
        name: block.toolName ?? 'unknown',
        arguments: block.chunks.join(''),
        ...(block.id ? { id: block.id } : {}),
      };
  }
}
