import { globalState } from './globals.js';
import { userWarn } from './log.js';

/** What the exit hooks do for one `init()` handle. */
export interface ExitTarget {
  /** On `beforeExit`: export what is pending (the target decides whether anything new happened). */
  flushForExit(): Promise<void>;
  /** On `SIGTERM`: flush and shut down. */
  shutdownForExit(): Promise<void>;
  /** On `exit`: spans still held (reported as lost). */
  bufferedSpans(): number;
}

interface HookState {
  targets: Set<ExitTarget>;
  /** The SIGTERM handling in progress, if any. */
  sigterm?: Promise<void>;
  listeners?: {
    beforeExit: () => void;
    sigterm: () => void;
    exit: () => void;
  };
}

/** How long the SIGTERM hook waits for a flush before letting the process terminate. */
const SIGTERM_FLUSH_LIMIT_MS = 5_000;

function hookState(): HookState {
  const state = globalState();
  const existing = state.exitHooks as HookState | undefined;
  if (existing !== undefined && existing.targets instanceof Set) return existing;
  const created: HookState = { targets: new Set() };
  state.exitHooks = created;
  return created;
}

function install(state: HookState): void {
  if (state.listeners !== undefined || typeof process === 'undefined' || typeof process.on !== 'function') return;
  const beforeExit = (): void => {
    for (const target of state.targets) target.flushForExit().catch(() => undefined);
  };
  const sigterm = (): void => {
    const all = Promise.all([...state.targets].map((target) => target.shutdownForExit().catch(() => undefined)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SIGTERM_FLUSH_LIMIT_MS);
    });
    state.sigterm = Promise.race([all, limit]).then(() => {
      if (timer !== undefined) clearTimeout(timer);
      uninstall(state);
      // Our listener replaced Node's default of terminating; when no one else handles SIGTERM, terminate as Node would.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  };
  const exit = (): void => {
    let lost = 0;
    for (const target of state.targets) lost += target.bufferedSpans();
    if (lost > 0)
      userWarn(`${lost} span${lost === 1 ? ' was' : 's were'} still waiting for export at exit and are lost.`);
  };
  process.on('beforeExit', beforeExit);
  process.on('SIGTERM', sigterm);
  process.on('exit', exit);
  state.listeners = { beforeExit, sigterm, exit };
}

function uninstall(state: HookState): void {
  const listeners = state.listeners;
  if (listeners === undefined) return;
  process.off('beforeExit', listeners.beforeExit);
  process.off('SIGTERM', listeners.sigterm);
  process.off('exit', listeners.exit);
  state.listeners = undefined;
}

/**
 * Flushes `target` on normal process exit (`beforeExit`) and shuts it down on `SIGTERM`. The process listeners are
 * registered once for all targets and removed with the last one. Returns the function that removes `target`.
 */
export function registerExitTarget(target: ExitTarget): () => void {
  const state = hookState();
  state.targets.add(target);
  install(state);
  return () => {
    state.targets.delete(target);
    if (state.targets.size === 0) uninstall(state);
  };
}

/** Resolves when the SIGTERM handling in progress (if any) is done (tests). */
export function sigtermHandled(): Promise<void> {
  return hookState().sigterm ?? Promise.resolve();
}

/** True while the process listeners are registered (tests). */
export function exitHooksInstalled(): boolean {
  return hookState().listeners !== undefined;
}
