import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        AGENTOPS_BRIDGE_HOST: '0.0.0.0',
        AGENTOPS_BRIDGE_PORT: '8080',
        AGENTOPS_BRIDGE_AUTH_TOKEN: ' tok ',
        AGENTOPS_BRIDGE_MAX_BODY_BYTES: '2048',
        AGENTOPS_BRIDGE_HEADERS_TIMEOUT_MS: '500',
        AGENTOPS_BRIDGE_REQUEST_TIMEOUT_MS: '1500',
        AGENTOPS_BRIDGE_KEEP_ALIVE_TIMEOUT_MS: '0',
        AGENTOPS_BRIDGE_MAX_QUEUED_PAYLOADS: '7',
        AGENTOPS_BRIDGE_JOIN_TRACEPARENT: 'false',
        AGENTOPS_BRIDGE_SESSION_IDLE_MS: '60000',
        AGENTOPS_BRIDGE_SHUTDOWN_TIMEOUT_MS: '2500',
        AGENTOPS_BRIDGE_TAGS: 'proxy, prod,,',
        OTEL_SERVICE_NAME: 'llm-gateway',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 8080,
      authToken: 'tok',
      maxBodyBytes: 2048,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1500,
      keepAliveTimeoutMs: 0,
      maxQueuedPayloads: 7,
      joinTraceparent: false,
      sessionIdleMs: 60_000,
      shutdownTimeoutMs: 2500,
      serviceName: 'llm-gateway',
      tags: ['proxy', 'prod'],
    });
  });

  it('falls back to PORT (platforms that assign one)', () => {
    expect(loadConfig({ PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ PORT: '9000', AGENTOPS_BRIDGE_PORT: '9001' }).port).toBe(9001);
  });

  it.each([
    [{ AGENTOPS_BRIDGE_PORT: 'http' }, 'AGENTOPS_BRIDGE_PORT must be an integer of at least 0, got "http"'],
    [{ PORT: '70000' }, 'PORT must be a TCP port, got 70000'],
    [{ AGENTOPS_BRIDGE_MAX_BODY_BYTES: '10' }, 'AGENTOPS_BRIDGE_MAX_BODY_BYTES must be an integer of at least 1024'],
    [{ AGENTOPS_BRIDGE_JOIN_TRACEPARENT: 'maybe' }, 'AGENTOPS_BRIDGE_JOIN_TRACEPARENT must be true or false'],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
