export { agentopsMiddleware } from './agentops-middleware.js';
export { type AgentOpsCallOptions, PROVIDER_OPTIONS_KEY } from './map-call-options.js';
export type { AgentOpsMiddleware, AgentOpsMiddlewareOptions } from './types.js';
