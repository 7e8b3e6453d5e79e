import {
  type TracerProvider as ApiTracerProvider,
  type Attributes,
  type Context,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  type ReadableSpan,
  type Sampler,
  type Span,
  type SpanLimits,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { AgentOpsExporterOptions } from './agentops-exporter.js';
import type { ConsoleExporterOptions } from './console-processor.js';
import { isDisabledByEnv, readEnv, readEnvList, readEnvNumber } from './env.js';
import { type ExitTarget, registerExitTarget } from './exit-hooks.js';
import type { FileExporterOptions } from './file-exporter.js';
import { globalState, isOtelGlobalRegistered } from './globals.js';
import { configureDiagFromOptions, debug, type LogLevel, userWarn, userWarnOnce } from './log.js';
import type { OtlpExporterOptions } from './otlp.js';
import {
  type BatchOptions,
  BufferedBatchSpanProcessor,
  createAgentOpsSpanProcessor,
  createConsoleSpanProcessor,
  createFileSpanProcessor,
  createOtlpSpanProcessor,
} from './processors.js';
import { buildResource } from './resource.js';
import { addExportStats, type ExportStats, emptyExportStats } from './retry-buffer.js';

/** Where `init()` sends spans. */
export type ExporterName = 'agentops' | 'otlp' | 'console' | 'file';

const EXPORTER_NAMES: readonly ExporterName[] = ['agentops', 'otlp', 'console', 'file'];

/** Options of {@link init}. Every option is optional; the environment fills in the rest. */
export interface InitOptions {
  /**
   * Where to send spans. @default `AGENTOPS_EXPORTERS` (comma-separated; `none` for no export), else: `agentops`
   * when an API key is set, `otlp` when `otlp` or `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` is set, `console` / `file`
   * when their options are given, and `agentops` when none of these applies.
   */
  exporters?: ExporterName[];
  /** AgentOps project API key (a UUID). @default `AGENTOPS_API_KEY` */
  apiKey?: string;
  /** AgentOps REST API base (token exchange). @default `AGENTOPS_API_ENDPOINT`, else https://api.agentops.ai */
  apiEndpoint?: string;
  /** AgentOps OTLP/HTTP traces URL. @default `AGENTOPS_EXPORTER_ENDPOINT`, else https://otlp.agentops.ai/v1/traces */
  exporterEndpoint?: string;
  /** More AgentOps exporter options (headers, timeouts; the keys above win). */
  agentops?: AgentOpsExporterOptions;
  /** OTLP exporter options (protocol, url, headers, ...); giving it selects the `otlp` exporter by default. */
  otlp?: OtlpExporterOptions;
  /** Console waterfall: `true` or its options; giving it selects the `console` exporter by default. */
  console?: boolean | ConsoleExporterOptions;
  /** JSON-lines file: a path or options; giving it selects the `file` exporter by default. */
  file?: string | FileExporterOptions;
  /**
   * How long spans that failed to export are kept and re-sent (AgentOps and OTLP exporters), in ms.
   * @default 60000
   */
  retryWindowMs?: number;
  /** Most spans held for retry per network exporter; beyond it the oldest are dropped and reported. @default 10000 */
  maxBufferedSpans?: number;
  /** Batching in front of every exporter (bounded queue, delay, batch size). */
  batch?: BatchOptions;
  /** `service.name`. @default `OTEL_SERVICE_NAME`, else `unknown_service:node` */
  serviceName?: string;
  /** Extra resource attributes. */
  resourceAttributes?: Attributes;
  /** Your own processors, added after the exporters' ones. */
  spanProcessors?: SpanProcessor[];
  /** Sampler of the provider. @default parent-based, always on */
  sampler?: Sampler;
  /**
   * Span limits of the provider. `attributeCountLimit` defaults to {@link DEFAULT_ATTRIBUTE_COUNT_LIMIT} (1024), not
   * the SDK's 128: an LLM span of a long conversation holds an attribute or more per message, and AgentOps indexes
   * prompts and completions. The other limits keep the SDK's defaults.
   * @default `{ attributeCountLimit: OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? OTEL_ATTRIBUTE_COUNT_LIMIT ?? 1024 }`
   */
  spanLimits?: SpanLimits;
  /**
   * Register the provider (and, when missing, an AsyncLocalStorage context manager and the W3C propagators) as the
   * global ones. An already registered provider is never replaced. @default true
   */
  registerGlobal?: boolean;
  /** Flush on `beforeExit` and shut down on `SIGTERM`. @default true */
  exitHooks?: boolean;
  /** Do nothing and return a no-op handle. @default true when `AGENTOPS_DISABLED=true` or `OTEL_SDK_DISABLED=true` */
  disabled?: boolean;
  /** Route OpenTelemetry `diag` to the console at this level. @default `AGENTOPS_LOG_LEVEL`, else leave diag alone */
  logLevel?: LogLevel;
}

/** What {@link init} returns. */
export interface TracingHandle {
  /**
   * The provider `init()` created (pass it as `tracerProvider` to the adapters when it is not the global one).
   * For a disabled handle, a provider whose spans are not recorded.
   */
  readonly provider: ApiTracerProvider;
  /** False when tracing is disabled (kill switch) or `init()` failed. */
  readonly enabled: boolean;
  /** True when `provider` is the global tracer provider. */
  readonly registered: boolean;
  /** The exporters in use. */
  readonly exporters: readonly ExporterName[];
  /** Exports everything pending and waits for delivery (one attempt for spans held for retry). Never rejects. */
  flush(): Promise<void>;
  /** Flushes, stops exporting, removes the exit hooks and, if it registered the provider, unregisters it. Never rejects. */
  shutdown(): Promise<void>;
  /** Export counters summed over the exporters (exported, retried, dropped, buffered, ...). */
  exportStats(): ExportStats;
}

/** Counts ended spans, so the `beforeExit` hook flushes only when something new happened. */
class ActivityCounter implements SpanProcessor {
  ended = 0;
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(_span: ReadableSpan): void {
    this.ended++;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

function disabledHandle(): TracingHandle {
  const provider = new TracerProvider({ sampler: new AlwaysOffSampler() });
  return {
    provider,
    enabled: false,
    registered: false,
    exporters: [],
    flush: async () => undefined,
    shutdown: async () => undefined,
    exportStats: emptyExportStats,
  };
}

function hasApiKey(options: InitOptions): boolean {
  return (options.apiKey ?? options.agentops?.apiKey ?? readEnv('AGENTOPS_API_KEY')) !== undefined;
}

/** The exporters to use: the option, else `AGENTOPS_EXPORTERS`, else what is configured. */
export function resolveExporters(options: InitOptions = {}): ExporterName[] {
  const pick = (names: readonly string[], source: string): ExporterName[] => {
    const picked: ExporterName[] = [];
    for (const name of names) {
      if (name === 'none') continue;
      if ((EXPORTER_NAMES as readonly string[]).includes(name)) {
        if (!picked.includes(name as ExporterName)) picked.push(name as ExporterName);
      } else {
        userWarnOnce(
          `unknown-exporter:${name}`,
          `unknown exporter "${name}" in ${source} (expected ${EXPORTER_NAMES.join(', ')}).`,
        );
      }
    }
    return picked;
  };
  if (options.exporters !== undefined) return pick(options.exporters, 'the `exporters` option');
  const fromEnv = readEnvList('AGENTOPS_EXPORTERS');
  if (fromEnv !== undefined) return pick(fromEnv, 'AGENTOPS_EXPORTERS');

  const names: ExporterName[] = [];
  if (hasApiKey(options)) names.push('agentops');
  const otlpFromEnv =
    readEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined || readEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  if (options.otlp !== undefined || otlpFromEnv) names.push('otlp');
  if (options.console !== undefined && options.console !== false) names.push('console');
  if (options.file !== undefined) names.push('file');
  // Nothing configured at all: AgentOps is the product default (and warns clearly about the missing key).
  if (names.length === 0) names.push('agentops');
  return names;
}

function createProcessors(names: readonly ExporterName[], options: InitOptions): SpanProcessor[] {
  const buffer = {
    ...(options.retryWindowMs !== undefined ? { retryWindowMs: options.retryWindowMs } : {}),
    ...(options.maxBufferedSpans !== undefined ? { maxBufferedSpans: options.maxBufferedSpans } : {}),
  };
  const batch = options.batch !== undefined ? { batch: options.batch } : {};
  const processors: SpanProcessor[] = [];
  for (const name of names) {
    if (name === 'agentops') {
      processors.push(
        createAgentOpsSpanProcessor({
          ...buffer,
          ...options.agentops,
          ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
          ...(options.apiEndpoint !== undefined ? { apiEndpoint: options.apiEndpoint } : {}),
          ...(options.exporterEndpoint !== undefined ? { exporterEndpoint: options.exporterEndpoint } : {}),
          ...batch,
        }),
      );
    } else if (name === 'otlp') {
      processors.push(createOtlpSpanProcessor({ ...buffer, ...options.otlp, ...batch }));
    } else if (name === 'console') {
      processors.push(createConsoleSpanProcessor(typeof options.console === 'object' ? options.console : {}));
    } else {
      const file = typeof options.file === 'string' ? { path: options.file } : (options.file ?? {});
      processors.push(createFileSpanProcessor({ ...file, ...batch }));
    }
  }
  return processors;
}

function delegateOf(provider: ApiTracerProvider): unknown {
  const getDelegate = (provider as { getDelegate?: () => unknown }).getDelegate;
  return typeof getDelegate === 'function' ? getDelegate.call(provider) : provider;
}

function registerGlobals(provider: TracerProvider): void {
  if (!isOtelGlobalRegistered('context')) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (!isOtelGlobalRegistered('propagation')) {
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
  trace.setGlobalTracerProvider(provider);
}

/**
 * Sets up tracing in one call: a tracer provider with the configured exporters (AgentOps cloud by default, OTLP,
 * console waterfall, JSON-lines file), each behind a bounded batch queue and, for network exporters, a bounded retry
 * buffer; registered globally unless the app already has a global provider (then it is left alone, with one
 * warning); flushed on process exit. Never throws: on bad configuration it warns and returns a working (or no-op)
 * handle.
 *
 * @example
 * ```ts
 * import { init } from '@agentops/tracing';
 *
 * const tracing = init({ apiKey: process.env.AGENTOPS_API_KEY, serviceName: 'support-bot' });
 * // ... run the app ...
 * await tracing.shutdown();
 * ```
 */
export function init(options: InitOptions = {}): TracingHandle {
  try {
    configureDiagFromOptions(options.logLevel);
    if (options.disabled === true || (options.disabled === undefined && isDisabledByEnv())) {
      debug('tracing is disabled (AGENTOPS_DISABLED / OTEL_SDK_DISABLED / `disabled`).');
      return disabledHandle();
    }
    const state = globalState();
    const active = state.activeHandle as TracingHandle | undefined;
    if (active !== undefined && options.registerGlobal !== false) {
      userWarnOnce(
        'init-twice',
        'init() was already called; returning the existing handle (the new options are ignored).',
      );
      return active;
    }
    return createHandle(options);
  } catch (error) {
    userWarn(`init() failed, tracing is off: ${error instanceof Error ? error.message : String(error)}`);
    return disabledHandle();
  }
}

/** Default most attributes per span of the provider `init()` creates (the SDK's default is 128). */
export const DEFAULT_ATTRIBUTE_COUNT_LIMIT = 1024;

/** The provider's span limits: the option, else the OpenTelemetry environment, else a limit that fits LLM spans. */
export function resolveSpanLimits(limits: SpanLimits = {}): SpanLimits {
  const fromEnv = readEnvNumber('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? readEnvNumber('OTEL_ATTRIBUTE_COUNT_LIMIT');
  return { ...limits, attributeCountLimit: limits.attributeCountLimit ?? fromEnv ?? DEFAULT_ATTRIBUTE_COUNT_LIMIT };
}

function createHandle(options: InitOptions): TracingHandle {
  const names = resolveExporters(options);
  const exportProcessors = createProcessors(names, options);
  const activity = new ActivityCounter();
  const provider = new TracerProvider({
    resource: buildResource({
      ...(options.serviceName !== undefined ? { serviceName: options.serviceName } : {}),
      ...(options.resourceAttributes !== undefined ? { resourceAttributes: options.resourceAttributes } : {}),
    }),
    spanProcessors: [...exportProcessors, ...(options.spanProcessors ?? []), activity],
    ...(options.sampler !== undefined ? { sampler: options.sampler } : {}),
    spanLimits: resolveSpanLimits(options.spanLimits),
  });

  let registered = false;
  if (options.registerGlobal !== false) {
    if (isOtelGlobalRegistered('trace')) {
      userWarnOnce(
        'existing-provider',
        'a global tracer provider is already registered, so init() left it alone. Add createAgentOpsSpanProcessor() ' +
          '(or createOtlpSpanProcessor(), createConsoleSpanProcessor(), createFileSpanProcessor()) to its ' +
          '`spanProcessors`, or pass `tracerProvider: handle.provider` to the adapters.',
      );
    } else {
      registerGlobals(provider);
      registered = true;
    }
  }

  const stats = (): ExportStats => {
    let sum = emptyExportStats();
    for (const processor of exportProcessors) {
      if (processor instanceof BufferedBatchSpanProcessor) sum = addExportStats(sum, processor.exportStats());
    }
    return sum;
  };

  let stopped = false;
  let shutdownPromise: Promise<void> | undefined;
  let removeExitHooks: (() => void) | undefined;
  const flush = async (): Promise<void> => {
    if (stopped) return;
    try {
      await provider.forceFlush();
    } catch {
      // Failures are counted and reported by the exporters.
    }
  };
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      stopped = true;
      removeExitHooks?.();
      const state = globalState();
      if (state.activeHandle === handle) state.activeHandle = undefined;
      try {
        await provider.shutdown();
      } catch {
        // Same as flush.
      }
      if (registered && delegateOf(trace.getTracerProvider()) === provider) trace.disable();
    })();
    return shutdownPromise;
  };

  const handle: TracingHandle = {
    provider,
    enabled: true,
    registered,
    exporters: names,
    flush,
    shutdown,
    exportStats: stats,
  };
  if (registered) globalState().activeHandle = handle;

  if (options.exitHooks !== false) {
    let flushedAt = -1;
    const target: ExitTarget = {
      flushForExit: async () => {
        // beforeExit fires again after each flush; flush only when spans ended since the last one.
        if (activity.ended === flushedAt) return;
        flushedAt = activity.ended;
        await flush();
      },
      shutdownForExit: shutdown,
      bufferedSpans: () => stats().buffered,
    };
    removeExitHooks = registerExitTarget(target);
  }
  debug(
    `tracing initialised: exporters ${names.join(', ') || 'none'}, ${registered ? 'registered globally' : 'not registered'}.`,
  );
  return handle;
}
