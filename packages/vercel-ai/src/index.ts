export { agentopsMiddleware } from './agentops-middleware.js';
export { AgentOpsTelemetry } from './agentops-telemetry.js';
export { type AgentOpsCallOptions, PROVIDER_OPTIONS_KEY } from './map-call-options.js';
export type { AgentOpsMiddleware, AgentOpsMiddlewareOptions, AgentOpsTelemetryOptions } from './types.js';
