import { diag } from '@opentelemetry/api';
import { describeError } from './read.js';

const logger = diag.createComponentLogger({ namespace: '@agentops/langchain' });

/** Logs at warn level; never throws (a registered diag logger may). */
export function warn(message: string): void {
  try {
    logger.warn(message);
  } catch {
    // The registered diag logger threw: nothing more can be done.
  }
}

/** Logs a caught failure; an error that cannot become a string is logged as such, never thrown. */
export function warnFailure(message: string, error: unknown): void {
  warn(`${message}: ${describeError(error)}`);
}
