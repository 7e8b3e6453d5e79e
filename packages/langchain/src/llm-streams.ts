import type { CallEndEvent, CallHandle } from '@agentops/llm-callback-core';
import { isContentToken } from './map-llm-result.js';

/** What a call streamed so far, for the core's snapshot and for a call that fails mid-stream. */
export type StreamSnapshot = Omit<CallEndEvent, 'key' | 'endTime'>;

/** Text kept per call for its snapshot; the core cuts content far below this anyway. */
const MAX_SNAPSHOT_CHARS = 1_000_000;

interface StreamState {
  handle: CallHandle | undefined;
  /** Time of a first chunk-less token, held until a second token confirms a stream. */
  heldAt: number | undefined;
  streaming: boolean;
  /** Streamed text pieces, joined only when a snapshot is taken: O(1) per token. */
  pieces: string[];
  chars: number;
}

function snapshotOf(state: StreamState): StreamSnapshot | undefined {
  if (state.pieces.length === 0) return undefined;
  return { outputs: [{ role: 'assistant', parts: [{ type: 'text', content: state.pieces.join('') }] }] };
}

/**
 * Stream state of open LLM calls. LangChain reports one token on a cache hit and for LLMs that return their whole
 * output as a token: a lone token without a chunk is held until a second one proves a stream.
 */
export class LlmStreams {
  private readonly states = new Map<string, StreamState>();
  private pruneAt = 64;

  /** Number of calls tracked. */
  get size(): number {
    return this.states.size;
  }

  /** Starts tracking `key`; returns the snapshot hook for its start event. Call {@link attach} with the handle. */
  open(key: string): () => StreamSnapshot | undefined {
    const state: StreamState = { handle: undefined, heldAt: undefined, streaming: false, pieces: [], chars: 0 };
    this.states.set(key, state);
    return () => snapshotOf(state);
  }

  /** Binds the call handle; drops the state when the core did not open the call (disabled, duplicate). */
  attach(key: string, handle: CallHandle, open: boolean): void {
    const state = this.states.get(key);
    if (state && open) state.handle = handle;
    else this.states.delete(key);
  }

  /** Records one token: a chunk when it carries content, else a keep-alive. */
  token(key: string, token: unknown, chunk: unknown, now: number): void {
    const state = this.states.get(key);
    const handle = state?.handle;
    if (!state || !handle) return;
    if (!isContentToken(token, chunk)) {
      handle.touch();
      return;
    }
    if (typeof token === 'string' && token.length > 0 && state.chars < MAX_SNAPSHOT_CHARS) {
      state.pieces.push(token);
      state.chars += token.length;
    }
    if (!state.streaming && state.heldAt === undefined && chunk === undefined) {
      state.heldAt = now;
      return;
    }
    if (state.heldAt !== undefined) handle.chunk(state.heldAt);
    state.heldAt = undefined;
    state.streaming = true;
    handle.chunk(now);
  }

  /** What `key` streamed so far. */
  snapshot(key: string): StreamSnapshot | undefined {
    const state = this.states.get(key);
    return state ? snapshotOf(state) : undefined;
  }

  /**
   * Stops tracking `key` (its end arrived) and returns its call handle; `undefined` when the call is not tracked
   * (never opened, or already ended by the core).
   */
  take(key: string): CallHandle | undefined {
    const state = this.states.get(key);
    if (state === undefined) return undefined;
    this.states.delete(key);
    return state.handle;
  }

  /** Stops tracking `key` (its call ended). */
  delete(key: string): void {
    this.states.delete(key);
  }

  /** Stops tracking every call. */
  clear(): void {
    this.states.clear();
  }

  /**
   * Drops states of calls the core no longer has open (spans that were not recording end without telling us).
   * Amortized: a full pass only when the map has doubled since the last one.
   */
  prune(isOpen: (key: string) => boolean): void {
    if (this.states.size < this.pruneAt) return;
    for (const key of this.states.keys()) if (!isOpen(key)) this.states.delete(key);
    this.pruneAt = Math.max(64, this.states.size * 2);
  }
}
