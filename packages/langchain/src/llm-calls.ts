import type { LlmSpanRecorder } from '@agentops/llm-callback-core';
import type { Context } from '@opentelemetry/api';
import { LlmStreams } from './llm-streams.js';
import { mapLlmResult } from './map-llm-result.js';
import { type LlmStartArgs, mapLlmStart } from './map-llm-start.js';
import { mapErrorInfo } from './map-run.js';
import { safely } from './read.js';

/**
 * The LLM calls of one handler: starts them, feeds them stream tokens and ends them through the call handles the
 * core returned. Callers guard every method (a throw is theirs to log).
 */
export class LlmCalls {
  private readonly streams = new LlmStreams();
  private readonly isOpen = (key: string): boolean => this.recorder.isOpen(key);

  constructor(private readonly recorder: LlmSpanRecorder) {}

  /** Calls tracked (started and not yet ended). */
  get size(): number {
    return this.streams.size;
  }

  /** A chat-model or LLM start, under `parentKey` (a run with a span) or else `parentContext`. */
  start(args: LlmStartArgs, key: string, parentKey: string | undefined, parentContext: Context): void {
    if (this.recorder.isOpen(key)) {
      // A duplicate: the core counts it.
      this.recorder.startCall(mapLlmStart(args, { key, parentKey, parentContext }));
      return;
    }
    this.streams.prune(this.isOpen);
    // The snapshot shows what streamed when the call ends without an end event (`break` out of a stream).
    const snapshot = this.streams.open(key);
    const run = { key, parentKey, parentContext, snapshot };
    const handle = this.recorder.startCall(mapLlmStart(args, run, this.recorder.contentCapture !== 'none'));
    this.streams.attach(key, handle, this.recorder.isOpen(key));
  }

  /** One streamed token (`chunk` is the generation chunk LangChain passes with it). */
  token(key: string, token: unknown, chunk: unknown): void {
    this.streams.token(key, token, chunk, performance.now());
  }

  /** The call's `LLMResult`. Output messages are built only for spans that record content. */
  end(key: string, output: unknown): void {
    const handle = this.streams.take(key);
    // An output that cannot be mapped costs the output, never the end of the call.
    const result = safely(() => mapLlmResult(output, handle?.recordsContent !== false));
    if (handle) handle.end(result);
    else this.recorder.endCall({ ...result, key }); // not tracked here (e.g. a duplicate start): the core decides
  }

  /** The call failed; what it streamed so far is its partial output. */
  fail(key: string, error: unknown): void {
    const partial = this.streams.snapshot(key);
    this.streams.delete(key);
    this.recorder.failCall({ key, error, errorInfo: safely(() => mapErrorInfo(error)), partial });
  }

  /** Stops tracking `key` (the core ended its entry). */
  forget(key: string): void {
    this.streams.delete(key);
  }

  /** Stops tracking every call. */
  clear(): void {
    this.streams.clear();
  }
}
