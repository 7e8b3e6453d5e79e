/** How the bridge runs; every field has a default (see {@link DEFAULT_CONFIG}) and an environment variable. */
export interface BridgeConfig {
  /** Interface to listen on. `0.0.0.0` in a container. (`AGENTOPS_BRIDGE_HOST`) */
  host: string;
  /** Port; 0 picks a free one. (`AGENTOPS_BRIDGE_PORT`, else `PORT`) */
  port: number;
  /** When set, ingest requests need `Authorization: Bearer <token>`. (`AGENTOPS_BRIDGE_AUTH_TOKEN`) */
  authToken: string | undefined;
  /** Largest request body; larger ones get 413. (`AGENTOPS_BRIDGE_MAX_BODY_BYTES`) */
  maxBodyBytes: number;
  /** Time a client has to send the request headers. (`AGENTOPS_BRIDGE_HEADERS_TIMEOUT_MS`) */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included; then 408. (`AGENTOPS_BRIDGE_REQUEST_TIMEOUT_MS`) */
  requestTimeoutMs: number;
  /**
   * How long an idle keep-alive connection stays open. Longer than the HTTP clients' own keep-alive (httpx: 5 s), so
   * that the client, not the bridge, closes it and a reused connection is never cut mid-request.
   * (`AGENTOPS_BRIDGE_KEEP_ALIVE_TIMEOUT_MS`)
   */
  keepAliveTimeoutMs: number;
  /** Payloads accepted but not yet recorded; beyond it requests get 503. (`AGENTOPS_BRIDGE_MAX_QUEUED_PAYLOADS`) */
  maxQueuedPayloads: number;
  /** Parent calls to the caller's span when its request carried a W3C `traceparent`. (`AGENTOPS_BRIDGE_JOIN_TRACEPARENT`) */
  joinTraceparent: boolean;
  /** A caller session with no call for this long is ended. (`AGENTOPS_BRIDGE_SESSION_IDLE_MS`) */
  sessionIdleMs: number;
  /** Longest graceful shutdown (finish requests, record, export). (`AGENTOPS_BRIDGE_SHUTDOWN_TIMEOUT_MS`) */
  shutdownTimeoutMs: number;
  /** `service.name` of the exported spans. (`OTEL_SERVICE_NAME`) */
  serviceName: string;
  /** Tags on the caller-session spans. (`AGENTOPS_BRIDGE_TAGS`, comma-separated) */
  tags: string[];
}

/** The defaults. */
export const DEFAULT_CONFIG: Readonly<BridgeConfig> = Object.freeze({
  host: '127.0.0.1',
  port: 4319,
  authToken: undefined,
  maxBodyBytes: 32 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxQueuedPayloads: 20_000,
  joinTraceparent: true,
  sessionIdleMs: 300_000,
  shutdownTimeoutMs: 10_000,
  serviceName: 'agentops-litellm-bridge',
  tags: [],
});

/** A setting that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads the configuration from environment variables; throws {@link ConfigError} for a value that cannot be used. */
export function loadConfig(env: Env = process.env): BridgeConfig {
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) {
      throw new ConfigError(`${name} must be an integer of at least ${min}, got "${value}"`);
    }
    return parsed;
  };
  const flag = (name: string, fallback: boolean) => {
    const value = text(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(`${name} must be true or false, got "${value}"`);
  };
  const portName = text('AGENTOPS_BRIDGE_PORT') !== undefined ? 'AGENTOPS_BRIDGE_PORT' : 'PORT';
  const port = integer(portName, DEFAULT_CONFIG.port, 0);
  if (port > 65_535) throw new ConfigError(`${portName} must be a TCP port, got ${port}`);
  return {
    host: text('AGENTOPS_BRIDGE_HOST') ?? DEFAULT_CONFIG.host,
    port,
    authToken: text('AGENTOPS_BRIDGE_AUTH_TOKEN'),
    maxBodyBytes: integer('AGENTOPS_BRIDGE_MAX_BODY_BYTES', DEFAULT_CONFIG.maxBodyBytes, 1024),
    headersTimeoutMs: integer('AGENTOPS_BRIDGE_HEADERS_TIMEOUT_MS', DEFAULT_CONFIG.headersTimeoutMs, 100),
    requestTimeoutMs: integer('AGENTOPS_BRIDGE_REQUEST_TIMEOUT_MS', DEFAULT_CONFIG.requestTimeoutMs, 100),
    keepAliveTimeoutMs: integer('AGENTOPS_BRIDGE_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_CONFIG.keepAliveTimeoutMs, 0),
    maxQueuedPayloads: integer('AGENTOPS_BRIDGE_MAX_QUEUED_PAYLOADS', DEFAULT_CONFIG.maxQueuedPayloads, 1),
    joinTraceparent: flag('AGENTOPS_BRIDGE_JOIN_TRACEPARENT', DEFAULT_CONFIG.joinTraceparent),
    sessionIdleMs: integer('AGENTOPS_BRIDGE_SESSION_IDLE_MS', DEFAULT_CONFIG.sessionIdleMs, 1000),
    shutdownTimeoutMs: integer('AGENTOPS_BRIDGE_SHUTDOWN_TIMEOUT_MS', DEFAULT_CONFIG.shutdownTimeoutMs, 0),
    serviceName: text('OTEL_SERVICE_NAME') ?? DEFAULT_CONFIG.serviceName,
    tags: (text('AGENTOPS_BRIDGE_TAGS') ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
  };
}
