import { DiagConsoleLogger, DiagLogLevel, diag, type TracerProvider } from '@opentelemetry/api';
import { getRegistry } from './lifecycle/registry.js';
import { createRedactor, type Redactor } from './redaction/redactor.js';
import type { ContentCapture, CoreOptions, PiiRuleName } from './types.js';

/** Options resolved once, read-only afterwards: option, then environment, then default. */
export interface ResolvedConfig {
  readonly tracerProvider: TracerProvider | undefined;
  readonly capture: ContentCapture;
  readonly redactor: Redactor;
  readonly agentopsKeys: boolean;
  readonly genaiLatest: boolean;
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly enrichSpan: CoreOptions['enrichSpan'];
  readonly disabled: boolean;
  readonly attributeLimit: number;
  readonly framework: string | undefined;
}

/** Reads an environment variable where there is a `process` (Node, Bun); edge runtimes have none. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

function envFlag(name: string): boolean | undefined {
  const value = readEnv(name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return undefined;
}

function resolveCapture(option: CoreOptions['captureContent']): ContentCapture {
  if (option === true) return 'all';
  if (option === false) return 'none';
  if (option === 'all' || option === 'metadata' || option === 'none') return option;
  const agentops = readEnv('AGENTOPS_CAPTURE_CONTENT')?.toLowerCase();
  if (agentops === 'metadata' || agentops === 'none' || agentops === 'all') return agentops;
  if (envFlag('AGENTOPS_CAPTURE_CONTENT') === false) return 'none';
  if (envFlag('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT') === false) return 'none';
  return 'all';
}

function resolvePii(option: boolean | PiiRuleName[] | undefined): boolean | PiiRuleName[] {
  if (option !== undefined) return option;
  const env = readEnv('AGENTOPS_REDACT_PII');
  if (env === undefined) return false;
  const flag = envFlag('AGENTOPS_REDACT_PII');
  if (flag !== undefined) return flag;
  return env.split(',').map((name) => name.trim()) as PiiRuleName[];
}

/** True when `AGENTOPS_DISABLED` or `OTEL_SDK_DISABLED` turns instrumentation off. */
export function disabledByEnv(): boolean {
  return envFlag('AGENTOPS_DISABLED') === true || envFlag('OTEL_SDK_DISABLED') === true;
}

const LOG_LEVELS: Record<string, DiagLogLevel> = {
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  info: DiagLogLevel.INFO,
  warn: DiagLogLevel.WARN,
  error: DiagLogLevel.ERROR,
};

/** `AGENTOPS_LOG_LEVEL=debug` routes OTel `diag` to the console; done once per process. */
export function applyLogLevelFromEnv(): void {
  const registry = getRegistry();
  if (registry.logLevelApplied) return;
  registry.logLevelApplied = true;
  const level = LOG_LEVELS[readEnv('AGENTOPS_LOG_LEVEL')?.toLowerCase() ?? ''];
  if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function resolveConfig(options: CoreOptions & { framework?: string } = {}): ResolvedConfig {
  applyLogLevelFromEnv();
  const semconv = options.semconv ?? {};
  const optIn = readEnv('OTEL_SEMCONV_STABILITY_OPT_IN') ?? '';
  const redaction = options.redaction ?? {};
  const maxFromEnv = Number(readEnv('AGENTOPS_MAX_CONTENT_LENGTH'));
  return Object.freeze({
    tracerProvider: options.tracerProvider,
    capture: resolveCapture(options.captureContent),
    redactor: createRedactor({
      ...redaction,
      pii: resolvePii(redaction.pii),
      maxContentLength: redaction.maxContentLength ?? (Number.isFinite(maxFromEnv) ? maxFromEnv : undefined),
    }),
    agentopsKeys: semconv.agentops !== false,
    genaiLatest: semconv.genaiLatest ?? optIn.split(',').some((v) => v.trim() === 'gen_ai_latest_experimental'),
    ttlMs: positive(options.inFlight?.ttlMs, 900_000),
    maxEntries: Math.floor(positive(options.inFlight?.maxEntries, 10_000)),
    enrichSpan: typeof options.enrichSpan === 'function' ? options.enrichSpan : undefined,
    disabled: options.disabled ?? disabledByEnv(),
    attributeLimit: Math.floor(
      positive(
        options.maxAttributesPerSpan,
        positive(Number(readEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? readEnv('OTEL_ATTRIBUTE_COUNT_LIMIT')), 128),
      ),
    ),
    framework: typeof options.framework === 'string' ? options.framework : undefined,
  });
}
