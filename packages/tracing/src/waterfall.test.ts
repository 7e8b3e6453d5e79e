import { describe, expect, it } from 'vitest';
import { SpanBuilder } from '../test/helpers/spans.js';
import { formatDuration, renderWaterfall, spanKindOf } from './waterfall.js';

function agentRun(): SpanBuilder {
  const b = new SpanBuilder();
  const session = b.span('research.session', 0, 1500, {
    attributes: { 'agentops.span.kind': 'session', 'agentops.session.end_state': 'Success' },
  });
  const agent = b.span('planner.agent', 20, 900, { parent: session, attributes: { 'agentops.span.kind': 'agent' } });
  b.span('gpt-4o.llm', 40, 440, {
    parent: agent,
    attributes: {
      'agentops.span.kind': 'llm',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.prompt_tokens': 1000,
      'gen_ai.usage.completion_tokens': 200,
      'gen_ai.usage.total_cost': 0.03,
    },
  });
  b.span('web_search.tool', 450, 750, { parent: agent, attributes: { 'agentops.span.kind': 'tool' } });
  const chain = b.span('summarize.chain', 910, 1490, {
    parent: session,
    attributes: { 'agentops.span.kind': 'chain' },
  });
  b.span('claude.llm', 920, 1480, {
    parent: chain,
    attributes: {
      'agentops.span.kind': 'llm',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.usage.total_cost': 0.012,
    },
    error: 'rate limited',
  });
  return b;
}

describe('renderWaterfall', () => {
  it('draws session → agents/chains → LLM and tool spans with durations, tokens, cost and errors', () => {
    expect(renderWaterfall(agentRun().spans(), { barWidth: 20 })).toMatchInlineSnapshot(`
      "AgentOps trace 0af7651916cd43dd8448eb211c80319c · 1.50 s · 6 spans · 2 LLM calls · 1,350 tokens (1,100 in, 250 out) · $0.0420
      research.session       1.50 s  ▕████████████████████▏  Success
      ├─ planner.agent       880 ms  ▕████████████        ▏
      │  ├─ gpt-4o.llm       400 ms  ▕██████              ▏  gpt-4o-2024-08-06 · 1,000→200 tok · $0.0300
      │  └─ web_search.tool  300 ms  ▕      ████          ▏
      └─ summarize.chain     580 ms  ▕            ████████▏
         └─ claude.llm       560 ms  ▕            ████████▏  claude-sonnet-4 · 100→50 tok · $0.0120 · ✗ ERROR rate limited
      "
    `);
  });

  it('shows spans whose parent is missing at the top level, after the root', () => {
    const b = new SpanBuilder();
    const root = b.span('root.workflow', 0, 100);
    b.span('child.task', 10, 50, { parent: root });
    b.span('stray.tool', 60, 80, { parent: 'ffffffffffffffff' });
    const text = renderWaterfall(b.spans(), { barWidth: 10 });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^root\.workflow/);
    expect(lines[2]).toMatch(/^└─ child\.task/);
    expect(lines[3]).toMatch(/^stray\.tool/);
  });

  it('renders nothing for no spans', () => {
    expect(renderWaterfall([])).toBe('');
  });
});

describe('helpers', () => {
  it('formats durations', () => {
    expect([0.25, 12.4, 450, 1250, 125_000].map(formatDuration)).toEqual([
      '0.3 ms',
      '12 ms',
      '450 ms',
      '1.25 s',
      '2m 05s',
    ]);
  });

  it('reads the kind from agentops.span.kind, else from the name suffix', () => {
    const b = new SpanBuilder();
    b.span('x.tool', 0, 1, { attributes: { 'agentops.span.kind': 'agent' } });
    b.span('gpt-4.1.llm', 0, 1);
    b.span('plain', 0, 1);
    expect(b.spans().map(spanKindOf)).toEqual(['agent', 'llm', undefined]);
  });
});
