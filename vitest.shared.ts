import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Workspace packages resolve to their sources in tests, so unit tests need no build. */
export const workspaceAliases = [
  {
    find: /^@agentops\/llm-callback-core\/testing$/,
    replacement: `${root}packages/llm-callback-core/src/testing/index.ts`,
  },
  {
    find: /^@agentops\/llm-callback-core\/adapter-kit$/,
    replacement: `${root}packages/llm-callback-core/src/adapter-kit.ts`,
  },
  { find: /^@agentops\/llm-callback-core$/, replacement: `${root}packages/llm-callback-core/src/index.ts` },
  { find: /^@agentops\/tracing$/, replacement: `${root}packages/tracing/src/index.ts` },
  { find: /^@agentops\/litellm$/, replacement: `${root}packages/litellm/src/index.ts` },
  { find: /^@agentops\/vercel-ai$/, replacement: `${root}packages/vercel-ai/src/index.ts` },
  { find: /^@agentops\/langchain$/, replacement: `${root}packages/langchain/src/index.ts` },
];

/**
 * The vitest config every project uses. With `VITEST_REPORT_DIR` set (by `.ci/run`), each project also writes a JSON
 * report there, which `.ci/run` sums into its final `N passed, N failed` line.
 */
export function projectConfig(name: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const reportDir = process.env.VITEST_REPORT_DIR;
  return defineConfig({
    resolve: { alias: workspaceAliases },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: reportDir ? ['default', 'json'] : ['default'],
      outputFile: reportDir ? { json: `${reportDir}/${name}.json` } : undefined,
      testTimeout: 20_000,
      ...overrides,
    },
  });
}
