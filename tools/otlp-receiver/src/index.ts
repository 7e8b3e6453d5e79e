/**
 * `@agentops-internal/otlp-receiver`: an in-process OTLP trace receiver for tests. It speaks gRPC (TraceService) and
 * OTLP/HTTP (protobuf and JSON) on 127.0.0.1, decodes spans with the vendored opentelemetry-proto files, keeps the
 * raw request bytes and headers, and can be told to fail, answer slowly, or go away and come back on the same ports.
 */
export {
  type Attributes,
  type AttributeValue,
  anyValue,
  idToHex,
  keyValues,
  type ReceivedSpan,
  spansFromRequest,
} from './decode.ts';
export { EXPORT_PATH, exportMethod, PROTOS_DIR } from './protos.ts';
export {
  grpcCodeFor,
  type OtlpReceiver,
  type OtlpReceiverOptions,
  type ReceivedRequest,
  type ReceiverBehaviour,
  startOtlpReceiver,
} from './receiver.ts';
