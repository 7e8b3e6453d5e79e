/**
 * `agentops-litellm-bridge`: runs the bridge configured by environment variables (see README.md) until SIGTERM or
 * SIGINT, then shuts down gracefully. The first stdout line is `LITELLM_BRIDGE_URL=http://host:port`.
 */
import { resolveExporters } from '@agentops/tracing';
import { ConfigError, loadConfig } from './config.js';
import { startBridge } from './server.js';
import { VERSION } from './version.js';

const log = (line: string) => process.stderr.write(`[litellm-bridge] ${line}\n`);

/** Starts the bridge from the environment; resolves with the process exit code once it has stopped. */
export async function main(env: Record<string, string | undefined> = process.env): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log(`configuration error: ${error.message}`);
    return 2;
  }
  const exporters = resolveExporters();
  if (exporters.length === 0 || (exporters.length === 1 && exporters[0] === 'agentops' && !env.AGENTOPS_API_KEY)) {
    log(
      'no exporter configured: set OTEL_EXPORTER_OTLP_ENDPOINT (OTLP gRPC) or AGENTOPS_API_KEY (or AGENTOPS_EXPORTERS)',
    );
    return 2;
  }
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge(config);
  } catch (error) {
    // Typically EADDRINUSE or EACCES from listen().
    log(`cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  process.stdout.write(`LITELLM_BRIDGE_URL=${bridge.url}\n`);
  log(
    `agentops-litellm-bridge ${VERSION} listening on ${bridge.url}, exporting to ${exporters.join(', ')}${config.authToken ? ', bearer token required' : ''}`,
  );
  return await new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        log(`${signal} again: exiting without waiting`);
        resolve(1);
        return;
      }
      log(`${signal}: shutting down`);
      bridge.shutdown().then(
        () => resolve(0),
        (error: unknown) => {
          log(`shutdown failed: ${String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

process.exitCode = await main();
// Exit explicitly: a keep-alive socket or an exporter timer must not hold a stopped bridge open.
process.exit();
