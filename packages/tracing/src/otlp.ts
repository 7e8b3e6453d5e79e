import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { readEnv } from './env.js';
import { userWarnOnce } from './log.js';
import { type RetryBufferOptions, RetryingSpanExporter } from './retry-buffer.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/** OTLP transport: gRPC, or HTTP with a protobuf body. */
export type OtlpProtocol = 'grpc' | 'http/protobuf';

/** The gRPC exporter's own configuration (for `metadata` and `credentials`). */
export type OtlpGrpcConfig = NonNullable<ConstructorParameters<typeof GrpcTraceExporter>[0]>;

/** Options of the OTLP exporter. Anything not given here comes from the standard `OTEL_EXPORTER_OTLP_*` variables. */
export interface OtlpExporterOptions extends RetryBufferOptions {
  /**
   * Transport. @default `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `'grpc'`
   * (`http/json` is sent as `http/protobuf`, with a warning).
   */
  protocol?: OtlpProtocol;
  /**
   * Collector address. For gRPC `http://host:4317` (plain) or `https://host:4317` (TLS); for HTTP the full traces
   * URL, e.g. `http://host:4318/v1/traces`.
   * @default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` (HTTP appends `/v1/traces`),
   * else `http://localhost:4317` (gRPC) / `http://localhost:4318/v1/traces` (HTTP)
   */
  url?: string;
  /**
   * Extra request headers (HTTP only; merged over `OTEL_EXPORTER_OTLP_HEADERS`). For gRPC use
   * `OTEL_EXPORTER_OTLP_HEADERS` or {@link OtlpExporterOptions.grpc}.
   */
  headers?: Record<string, string>;
  /** Time limit of one export request, in ms. @default `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000 */
  timeoutMillis?: number;
  /** Passed to the gRPC exporter as is (e.g. `metadata`, `credentials`); wins over the options above. */
  grpc?: Partial<OtlpGrpcConfig>;
}

/** The protocol to use: the option, else the standard environment variables, else gRPC. */
export function resolveOtlpProtocol(protocol?: OtlpProtocol): OtlpProtocol {
  if (protocol === 'grpc' || protocol === 'http/protobuf') return protocol;
  const raw = (readEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? readEnv('OTEL_EXPORTER_OTLP_PROTOCOL'))?.toLowerCase();
  if (raw === undefined || raw === 'grpc') return 'grpc';
  if (raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json') {
    userWarnOnce(
      'otlp-http-json',
      'OTLP protocol http/json is not bundled; sending http/protobuf to the same endpoint instead.',
    );
    return 'http/protobuf';
  }
  userWarnOnce('otlp-protocol', `unknown OTLP protocol "${raw}"; using grpc.`);
  return 'grpc';
}

/** The stock OTLP exporter for the resolved protocol, without the retry buffer. */
export function createRawOtlpExporter(options: OtlpExporterOptions = {}): SpanExporter {
  const protocol = resolveOtlpProtocol(options.protocol);
  const userAgent = `${SDK_NAME}/${SDK_VERSION}`;
  if (protocol === 'http/protobuf') {
    return new ProtoTraceExporter({
      ...(options.url !== undefined ? { url: options.url } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(options.timeoutMillis !== undefined ? { timeoutMillis: options.timeoutMillis } : {}),
      userAgent,
    });
  }
  if (options.headers !== undefined && options.grpc?.metadata === undefined) {
    userWarnOnce(
      'otlp-grpc-headers',
      'the `headers` option applies to OTLP/HTTP only; for gRPC set OTEL_EXPORTER_OTLP_HEADERS or `grpc.metadata`.',
    );
  }
  return new GrpcTraceExporter({
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.timeoutMillis !== undefined ? { timeoutMillis: options.timeoutMillis } : {}),
    userAgent,
    ...options.grpc,
  });
}

/**
 * An OTLP exporter (gRPC by default, OTLP/HTTP protobuf when configured) wrapped in the bounded retry buffer.
 *
 * @example
 * ```ts
 * const exporter = createOtlpExporter({ protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces' });
 * new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
 * ```
 */
export function createOtlpExporter(options: OtlpExporterOptions = {}): RetryingSpanExporter {
  return new RetryingSpanExporter(createRawOtlpExporter(options), { name: 'otlp', ...options });
}
