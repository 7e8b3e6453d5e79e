import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: [/^@opentelemetry\//, /^@agentops\//, 'ai', /^@ai-sdk\//, /^@langchain\//],
  define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
});
