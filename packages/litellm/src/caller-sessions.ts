import { type SessionEndState, type SessionHandle, startSession, type TimeInput } from '@agentops/llm-callback-core';
import type { Context, TracerProvider } from '@opentelemetry/api';

/** Options of the handler's `callerSessions`: one session span per AgentOps session id that callers pass. */
export interface CallerSessionOptions {
  /**
   * A session with no new call for this long is ended (`Indeterminate`, reason `idle`); a later call with the same
   * id starts a new session span (a new trace) with that id. @default 300000 (5 minutes)
   */
  idleTimeoutMs?: number;
  /** Most sessions open at once; beyond it the least recently used one is ended. @default 1000 */
  maxOpen?: number;
  /** Session name: the span is `{name}.session`. @default 'litellm' */
  name?: string;
}

interface OpenSession {
  handle: SessionHandle;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the session was last used (`Date.now()`): its idle timer is re-armed from it when it fires. */
  lastUsed: number;
}

/**
 * Groups calls by the caller's AgentOps session id: the first call with an id starts a core session (a new trace,
 * starting when that call started) and later calls with the id become its children, until the session has been idle
 * for `idleTimeoutMs`. Bounded by `maxOpen`; `endAll()` ends every open session. The sessions are explicit-only
 * (`implicit: false`): in a receiver that serves many callers, a call without a session id must stay a root.
 */
export class CallerSessions {
  private readonly open = new Map<string, OpenSession>();
  private readonly idleTimeoutMs: number;
  private readonly maxOpen: number;
  private readonly name: string;
  private readonly tags: string[];

  constructor(
    options: CallerSessionOptions,
    tags: unknown,
    private readonly tracerProvider: TracerProvider | undefined,
  ) {
    this.idleTimeoutMs = positive(options.idleTimeoutMs) ?? 300_000;
    this.maxOpen = Math.floor(positive(options.maxOpen) ?? 1000);
    this.name = typeof options.name === 'string' && options.name ? options.name : 'litellm';
    this.tags = Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
  }

  /** The context of the session for `sessionId` (started if needed, at `startTime`); keeps it alive. */
  contextFor(sessionId: string, startTime: TimeInput | undefined): Context {
    let session = this.open.get(sessionId);
    // Re-inserted below: the map's order is least recently used first.
    this.open.delete(sessionId);
    if (!session) {
      while (this.open.size >= this.maxOpen) this.endOldest();
      session = this.start(sessionId, startTime);
    }
    this.open.set(sessionId, session);
    // No timer per call: the one timer of a session checks, when it fires, whether the session was used since.
    session.lastUsed = Date.now();
    if (!session.timer) this.arm(sessionId, session, this.idleTimeoutMs);
    return session.handle.context;
  }

  private arm(sessionId: string, session: OpenSession, delayMs: number): void {
    session.timer = setTimeout(() => {
      session.timer = undefined;
      const idleFor = Date.now() - session.lastUsed;
      if (idleFor >= this.idleTimeoutMs) this.end(sessionId, session, 'Indeterminate', 'idle');
      else if (this.open.get(sessionId) === session) this.arm(sessionId, session, this.idleTimeoutMs - idleFor);
    }, delayMs);
    // An idle session never keeps the process alive (unref is Node's; other runtimes lack it).
    (session.timer as { unref?: () => void }).unref?.();
  }

  /** How many sessions are open. */
  get size(): number {
    return this.open.size;
  }

  /** Ends every open session with `state`. */
  endAll(state: SessionEndState): void {
    for (const [sessionId, session] of [...this.open]) this.end(sessionId, session, state);
  }

  private start(sessionId: string, startTime: TimeInput | undefined): OpenSession {
    const handle = startSession({
      name: this.name,
      sessionId,
      tags: this.tags,
      implicit: false,
      ...(startTime === undefined ? {} : { startTime }),
      ...(this.tracerProvider ? { tracerProvider: this.tracerProvider } : {}),
    });
    return { handle, timer: undefined, lastUsed: Date.now() };
  }

  private endOldest(): void {
    const oldest = this.open.entries().next().value;
    if (oldest) this.end(oldest[0], oldest[1], 'Indeterminate', 'too many open sessions');
  }

  private end(sessionId: string, session: OpenSession, state: SessionEndState, reason?: string): void {
    if (session.timer) clearTimeout(session.timer);
    if (this.open.get(sessionId) !== session) return;
    this.open.delete(sessionId);
    session.handle.end(state, reason);
  }
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
