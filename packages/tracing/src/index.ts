export {
  type AgentOpsExporterOptions,
  AgentOpsSpanExporter,
  createAgentOpsExporter,
  DEFAULT_AGENTOPS_API_ENDPOINT,
  DEFAULT_AGENTOPS_EXPORTER_ENDPOINT,
  isValidApiKey,
} from './agentops-exporter.js';
export { type ConsoleExporterOptions, ConsoleWaterfallProcessor } from './console-processor.js';
export { type FileExporterOptions, FileSpanExporter } from './file-exporter.js';
export {
  DEFAULT_ATTRIBUTE_COUNT_LIMIT,
  type ExporterName,
  type InitOptions,
  init,
  resolveExporters,
  resolveSpanLimits,
  type TracingHandle,
} from './init.js';
export type { LogLevel } from './log.js';
export {
  createOtlpExporter,
  type OtlpExporterOptions,
  type OtlpGrpcConfig,
  type OtlpProtocol,
  resolveOtlpProtocol,
} from './otlp.js';
export {
  type BatchOptions,
  BufferedBatchSpanProcessor,
  createAgentOpsSpanProcessor,
  createConsoleSpanProcessor,
  createFileSpanProcessor,
  createOtlpSpanProcessor,
  DEFAULT_MAX_QUEUE_SIZE,
  type StatsExporter,
} from './processors.js';
export { buildResource, type ResourceOptions } from './resource.js';
export {
  type DroppedByReason,
  ExportFailure,
  type ExportStats,
  isRetryableExportError,
  type RetryBufferOptions,
  RetryingSpanExporter,
} from './retry-buffer.js';
export { type SpanRecord, spanToRecord } from './span-json.js';
export { SDK_NAME, SDK_VERSION } from './version.js';
export { renderWaterfall, type WaterfallOptions } from './waterfall.js';
