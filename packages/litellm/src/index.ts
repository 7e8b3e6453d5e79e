export type { CallerSessionOptions } from './caller-sessions.js';
export type { PayloadIngestSummary } from './handler.js';
export { AgentOpsLiteLLMHandler } from './handler.js';
export type { AgentOpsLiteLLMHandlerOptions } from './handler-options.js';
export type {
  LiteLLMErrorInformation,
  LiteLLMException,
  LiteLLMKwargs,
  LiteLLMMessage,
  LiteLLMParams,
  LiteLLMRequestMetadata,
  LiteLLMResponse,
  LiteLLMTime,
  LiteLLMToolCall,
  LiteLLMUsage,
  StandardLoggingMetadata,
  StandardLoggingPayload,
} from './litellm-payload.js';
export { type ParsedPayloads, parseStandardLoggingPayloads } from './map-standard-payload.js';
