import { fileURLToPath } from 'node:url';
import { EdgeVM } from '@edge-runtime/vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

// The core bundled with @opentelemetry/api, run in the Vercel Edge Runtime's VM: no `process`, `Buffer` or
// `require`, only Web APIs. Proves the core imports nothing from Node and never touches Node globals.
it('runs inside the Edge Runtime VM, where Node globals do not exist', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'agentopsCore',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  expect(code.length).toBeGreaterThan(10_000);
  const vm = new EdgeVM();
  expect(vm.evaluate('typeof process + typeof Buffer + typeof require')).toBe('undefinedundefinedundefined');
  vm.evaluate(code);
  const result = vm.evaluate(`(() => {
    const core = agentopsCore;
    const session = core.startSession({ name: 'edge', tags: ['vm'] });
    const recorder = core.createLlmSpanRecorder({ framework: 'edge', redaction: { pii: true } });
    const call = recorder.startCall({ key: 'k', model: 'm', messages: [{ role: 'user', parts: [{ type: 'text', content: 'mail me at a@b.io' }] }] });
    call.chunk();
    call.end({ usage: { inputTokens: 1, outputTokens: 2 } });
    recorder.startRun({ key: 'r', kind: 'tool', name: 't', input: { x: 1n } });
    recorder.failRun({ key: 'r', error: new Error('boom') });
    session.end('Success');
    return JSON.stringify({ stats: recorder.stats(), ended: session.ended });
  })()`);
  expect(JSON.parse(result)).toMatchObject({ stats: { inFlight: 0, started: 2, ended: 2 }, ended: true });
});
