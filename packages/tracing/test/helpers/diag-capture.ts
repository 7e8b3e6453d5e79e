import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

/** Messages written through `diag` while the capture is active. */
export interface DiagCapture {
  readonly messages: Array<{ level: string; text: string }>;
  /** Warning texts. */
  warnings(): string[];
  /** Unregisters the logger. */
  restore(): void;
}

/** Registers a diag logger that records messages at `level` and above. */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.WARN): DiagCapture {
  const messages: Array<{ level: string; text: string }> = [];
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      messages.push({ level: name, text: args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' ') });
    };
  const logger: DiagLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  return {
    messages,
    warnings: () => messages.filter((m) => m.level === 'warn').map((m) => m.text),
    restore: () => diag.disable(),
  };
}
