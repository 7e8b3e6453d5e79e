/** Where `@opentelemetry/api` 1.x keeps its globals (shared by every copy of the API with the same major). */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** Where this package keeps process-wide state, so that the ESM and the CJS build share it. */
const STATE_GLOBAL = Symbol.for('@agentops/tracing.state');

/**
 * True when a global of this kind is registered with the OpenTelemetry API. Read without registering anything,
 * because a failed duplicate registration logs an error through `diag`.
 */
export function isOtelGlobalRegistered(type: 'trace' | 'context' | 'propagation' | 'diag'): boolean {
  const api: unknown = (globalThis as Record<symbol, unknown>)[OTEL_API_GLOBAL];
  return typeof api === 'object' && api !== null && (api as Record<string, unknown>)[type] !== undefined;
}

/** Process-wide state of this package. */
export interface TracingGlobalState {
  /** Keys of warnings already given once. */
  warned: Set<string>;
  /** Exit-hook state (see `exit-hooks.ts`). */
  exitHooks?: unknown;
  /** The handle whose provider `init()` registered globally, while it is live. */
  activeHandle?: unknown;
}

/** Returns this package's process-wide state, creating it on first use. */
export function globalState(): TracingGlobalState {
  const holder = globalThis as Record<symbol, unknown>;
  let state = holder[STATE_GLOBAL] as TracingGlobalState | undefined;
  if (state === undefined || !(state.warned instanceof Set)) {
    state = { warned: new Set() };
    holder[STATE_GLOBAL] = state;
  }
  return state;
}
