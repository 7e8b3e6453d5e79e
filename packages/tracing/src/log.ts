import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { readEnv } from './env.js';
import { globalState, isOtelGlobalRegistered } from './globals.js';

/** Prefix of every message this package writes. */
export const LOG_PREFIX = '@agentops/tracing:';

/** Log levels accepted by the `logLevel` option and `AGENTOPS_LOG_LEVEL`. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

const LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function parseLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'warning') return 'warn';
  return lower in LEVELS ? (lower as LogLevel) : undefined;
}

/**
 * Routes OpenTelemetry `diag` to the console at the given level (option, else `AGENTOPS_LOG_LEVEL`). Does nothing
 * when neither is set, so an app's own diag logger is left alone.
 */
export function configureDiagFromOptions(level: LogLevel | undefined): void {
  const resolved = level ?? parseLevel(readEnv('AGENTOPS_LOG_LEVEL'));
  if (resolved === undefined) return;
  diag.setLogger(new DiagConsoleLogger(), { logLevel: LEVELS[resolved], suppressOverrideMessage: true });
}

/**
 * A warning the user must see (bad key, an existing provider, dropped spans). It goes to `diag.warn`; when no diag
 * logger is registered at all (the OpenTelemetry default, where diag is silent) it goes to `console.warn` instead,
 * so it is never lost.
 */
export function userWarn(message: string): void {
  const text = `${LOG_PREFIX} ${message}`;
  if (isOtelGlobalRegistered('diag')) {
    diag.warn(text);
    return;
  }
  console.warn(text);
}

/** {@link userWarn}, at most once per process for `key`. Returns true when it warned. */
export function userWarnOnce(key: string, message: string): boolean {
  const state = globalState();
  if (state.warned.has(key)) return false;
  state.warned.add(key);
  userWarn(message);
  return true;
}

/** Debug detail through `diag` (silent unless a diag logger at debug level is registered). */
export function debug(message: string): void {
  diag.debug(`${LOG_PREFIX} ${message}`);
}

/** Forgets which one-time warnings were given (tests). */
export function resetWarnings(): void {
  globalState().warned.clear();
}
