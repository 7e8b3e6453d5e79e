import { diag } from '@opentelemetry/api';

/** The core's component logger; all internal failures go here, never to the caller. */
export const logger = diag.createComponentLogger({ namespace: '@agentops/llm-callback-core' });

/** Counts caught failures so tests and stats can see them. */
export const failureCounter = { count: 0 };

/** Logs an internal failure at warn level: telemetry problems must be visible but never thrown. */
export function reportFailure(where: string, error: unknown): void {
  failureCounter.count++;
  try {
    logger.warn(`${where} failed: ${describeError(error)}`);
  } catch {
    // diag itself failed (a user logger threw); nothing more can be done.
  }
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}
