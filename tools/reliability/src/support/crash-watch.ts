/**
 * Records uncaught exceptions and unhandled rejections while a test file runs: "zero crashes" is asserted on these
 * (vitest would also fail the run, but only after the fact and without saying which property caused it).
 */
export interface CrashWatch {
  readonly crashes: string[];
  dispose(): void;
}

export function watchCrashes(): CrashWatch {
  const crashes: string[] = [];
  const onError = (error: unknown): void => {
    crashes.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    crashes,
    dispose() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}
