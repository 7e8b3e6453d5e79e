// The bridge's build ships JavaScript only (no .d.ts yet): these are the parts of its documented API
// (apps/litellm-bridge/README.md, "To embed it in your own process") that this suite uses.
declare module '@agentops/litellm-bridge' {
  import type { Server } from 'node:http';

  /** Options of `startBridge`: the configuration (environment variables' defaults otherwise) and the export. */
  export interface StartBridgeOptions {
    host?: string;
    port?: number;
    authToken?: string;
    maxBodyBytes?: number;
    headersTimeoutMs?: number;
    requestTimeoutMs?: number;
    keepAliveTimeoutMs?: number;
    maxQueuedPayloads?: number;
    shutdownTimeoutMs?: number;
    /** Options of @agentops/tracing's init(). */
    tracing?: Record<string, unknown>;
    log?: (line: string) => void;
  }

  /** A running bridge. */
  export interface Bridge {
    readonly url: string;
    readonly port: number;
    readonly server: Server;
    stats(): Record<string, unknown>;
    shutdown(): Promise<void>;
  }

  export function startBridge(options?: StartBridgeOptions): Promise<Bridge>;
}
