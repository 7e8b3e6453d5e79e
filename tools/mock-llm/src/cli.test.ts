import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('mock-llm CLI', () => {
  it('prints MOCK_LLM_URL first, serves requests and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const match = /^MOCK_LLM_URL=(http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(first);
      expect(match).not.toBeNull();
      const response = await fetch(`${match?.[1]}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'ping' }] }),
      });
      expect(
        ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content,
      ).toBe('Echo: ping');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
