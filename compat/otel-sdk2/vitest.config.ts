import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const reportDir = process.env.VITEST_REPORT_DIR;

// The core's own test files, with the SDK helper module and @opentelemetry/api swapped for SDK 2 and api 1.9.1.
export default defineConfig({
  root: here('../../packages/llm-callback-core'),
  resolve: {
    alias: [
      { find: /^.*\/test-support\/otel\.js$/, replacement: here('./otel-sdk2.ts') },
      { find: /^@opentelemetry\/api$/, replacement: here('./node_modules/@opentelemetry/api/build/src/index.js') },
    ],
  },
  test: {
    name: 'llm-callback-core (OpenTelemetry SDK 2)',
    include: ['src/**/*.test.ts'],
    server: { deps: { inline: [/@opentelemetry/] } },
    reporters: reportDir ? ['default', 'json'] : ['default'],
    outputFile: reportDir ? { json: `${reportDir}/llm-callback-core-otel-sdk2.json` } : undefined,
    testTimeout: 20_000,
  },
});
