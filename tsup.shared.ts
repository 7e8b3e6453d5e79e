import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package uses: ESM + CJS with .d.ts/.d.cts, the package version stamped in, and every
 * `@opentelemetry/*`, `@agentops/*` and framework import left external (they are peers or dependencies).
 */
export function packageBuild(
  version: string,
  entry: Record<string, string> = { index: 'src/index.ts' },
  overrides: Options = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    external: [/^@opentelemetry\//, /^@agentops\//, 'ai', /^@ai-sdk\//, /^@langchain\//],
    define: { __PACKAGE_VERSION__: JSON.stringify(version) },
    ...overrides,
  });
}
