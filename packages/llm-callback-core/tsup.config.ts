import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', 'adapter-kit': 'src/adapter-kit.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['@opentelemetry/api'],
  define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
});
