/**
 * `@agentops/litellm-bridge`: an HTTP receiver for the LiteLLM proxy's `generic_api` logger that turns each
 * `StandardLoggingPayload` into spans and exports them through `@agentops/tracing`. Run it with the
 * `agentops-litellm-bridge` command; embed it with {@link startBridge}.
 */
export { type BridgeConfig, ConfigError, DEFAULT_CONFIG, loadConfig } from './config.js';
export { type Bridge, type BridgeStats, type StartBridgeOptions, startBridge } from './server.js';
