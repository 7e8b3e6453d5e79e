import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

/** One `diag` message. */
export interface DiagMessage {
  level: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  text: string;
}

/** Collects OpenTelemetry `diag` output so tests can see internal failures and drop reports. */
export interface DiagCollector {
  /** Count per level since the last `clear()`. */
  readonly counts: Record<DiagMessage['level'], number>;
  /** The first messages (bounded, so fuzzing does not hoard memory). */
  readonly messages: DiagMessage[];
  /** Messages matching `pattern`, among those kept. */
  matching(pattern: RegExp): DiagMessage[];
  clear(): void;
  /** Unregisters the logger. */
  dispose(): void;
}

function describe(args: unknown[]): string {
  return args
    .map((arg) => {
      try {
        if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
        return typeof arg === 'string' ? arg : JSON.stringify(arg);
      } catch {
        return '[unprintable]';
      }
    })
    .join(' ');
}

/** Registers a collecting diag logger at `level` (default WARN). Keeps up to `limit` messages. */
export function collectDiag(level: DiagLogLevel = DiagLogLevel.WARN, limit = 2000): DiagCollector {
  const counts = { error: 0, warn: 0, info: 0, debug: 0, verbose: 0 };
  const messages: DiagMessage[] = [];
  const sink =
    (levelName: DiagMessage['level']) =>
    (message: string, ...args: unknown[]): void => {
      counts[levelName]++;
      if (messages.length < limit) messages.push({ level: levelName, text: describe([message, ...args]) });
    };
  const logger: DiagLogger = {
    error: sink('error'),
    warn: sink('warn'),
    info: sink('info'),
    debug: sink('debug'),
    verbose: sink('verbose'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  return {
    counts,
    messages,
    matching: (pattern) => messages.filter((message) => pattern.test(message.text)),
    clear() {
      for (const key of Object.keys(counts) as DiagMessage['level'][]) counts[key] = 0;
      messages.length = 0;
    },
    dispose: () => diag.disable(),
  };
}
