import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * The bridge is one deployable bundle: the workspace packages it uses (@agentops/litellm, /tracing and the core) are
 * bundled from their sources, so a fresh clone builds it without building them first, and a deployment needs only
 * the OpenTelemetry packages in `dependencies`.
 */
export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  clean: true,
  sourcemap: true,
  dts: false,
  noExternal: [/^@agentops\//],
  external: [/^@opentelemetry\//],
  esbuildOptions(options) {
    options.alias = {
      '@agentops/llm-callback-core/adapter-kit': `${packages}llm-callback-core/src/adapter-kit.ts`,
      '@agentops/llm-callback-core': `${packages}llm-callback-core/src/index.ts`,
      '@agentops/litellm': `${packages}litellm/src/index.ts`,
      '@agentops/tracing': `${packages}tracing/src/index.ts`,
    };
  },
  esbuildPlugins: [
    {
      // Each package stamps its own version (its spans' instrumentation scope version), as its own build would.
      name: 'package-versions',
      setup(build) {
        build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/]version\.ts$/ }, (args) => {
          const manifest = fileURLToPath(new URL('../package.json', `file://${args.path}`));
          const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
          const source = readFileSync(args.path, 'utf8');
          return { contents: `const __PACKAGE_VERSION__ = ${JSON.stringify(version)};\n${source}`, loader: 'ts' };
        });
      },
    },
  ],
  define: { __BRIDGE_VERSION__: JSON.stringify(pkg.version) },
});
