import type { ResolvedConfig } from '../config.js';
import { field, readString } from '../internal/read.js';
import { toSafeJson, toSafeText } from '../redaction/safe-json.js';
import { ATTR } from '../semconv.js';
import type { ContentCapture, RunKind, RunStartEvent } from '../types.js';
import type { AttributeSink } from './attributes.js';
import { mapMetadata } from './metadata.js';

/** AgentOps span kind and name suffix per run kind (the dashboard reads the suffix). */
const AGENTOPS_KINDS: Record<RunKind, string> = {
  workflow: 'workflow',
  chain: 'task',
  task: 'task',
  agent: 'agent',
  tool: 'tool',
  retriever: 'operation',
};

export function runKindOf(value: unknown): RunKind {
  return typeof value === 'string' && value in AGENTOPS_KINDS ? (value as RunKind) : 'chain';
}

export function runSpanName(kind: RunKind, name: string, config: ResolvedConfig): string {
  if (config.agentopsKeys) return `${name}.${AGENTOPS_KINDS[kind]}`;
  if (kind === 'tool') return `execute_tool ${name}`;
  if (kind === 'agent') return `invoke_agent ${name}`;
  if (kind === 'workflow') return `invoke_workflow ${name}`;
  return name;
}

export function runStartAttributes(kind: RunKind, name: string, config: ResolvedConfig, sink: AttributeSink): void {
  if (config.agentopsKeys) {
    sink.set(ATTR.SPAN_KIND, AGENTOPS_KINDS[kind]);
    sink.set(ATTR.ENTITY_NAME, name);
  } else if (kind === 'tool') {
    sink.set(ATTR.OPERATION_NAME, 'execute_tool');
    sink.set(ATTR.GENAI_TOOL_NAME, name);
  } else if (kind === 'agent') {
    sink.set(ATTR.OPERATION_NAME, 'invoke_agent');
    sink.set(ATTR.GENAI_AGENT_NAME, name);
  }
}

/** Everything known about a run when its span ends. */
export interface RunRecord {
  start: RunStartEvent;
  kind: RunKind;
  name: string;
  output: unknown;
  hasOutput: boolean;
  failed: boolean;
  capture: ContentCapture;
  sessionId: string | undefined;
}

export function mapRunAttributes(record: RunRecord, config: ResolvedConfig, sink: AttributeSink): void {
  const { start, kind } = record;
  const agentops = config.agentopsKeys;
  sink.group('run', () => {
    sink.set(ATTR.FRAMEWORK, readString(field(start, 'framework')) ?? config.framework);
    if (agentops) sink.set(ATTR.RUN_TYPE, kind);
    const tool = field(start, 'tool');
    if (kind === 'tool') {
      const callId = readString(field(tool, 'callId'));
      const rawDescription = readString(field(tool, 'description'));
      const description = rawDescription
        ? toSafeText(rawDescription, config.redactor, { attribute: ATTR.TOOL_DESCRIPTION, spanKind: 'tool' })
        : undefined;
      if (agentops) {
        sink.set(ATTR.TOOL_NAME, record.name);
        sink.set(ATTR.TOOL_ID, callId);
        sink.set(ATTR.TOOL_STATUS, record.failed ? 'failed' : 'succeeded');
        if (description) sink.set(ATTR.TOOL_DESCRIPTION, description);
      } else {
        sink.set(ATTR.GENAI_TOOL_CALL_ID, callId);
        sink.set(ATTR.GENAI_TOOL_TYPE, readString(field(tool, 'type')) ?? 'function');
        if (description) sink.set(ATTR.GENAI_TOOL_DESCRIPTION, description);
      }
    } else if (kind === 'agent' && agentops) {
      sink.set(ATTR.AGENT_NAME, record.name);
    }
  });
  sink.group('metadata', () => mapMetadata(field(start, 'metadata'), record.sessionId, config, sink, kind));
  if (record.capture === 'none') return;
  sink.group('input', () => mapEntityValue('input', field(start, 'input'), record, config, sink));
  if (record.hasOutput) sink.group('output', () => mapEntityValue('output', record.output, record, config, sink));
}

function mapEntityValue(
  which: 'input' | 'output',
  value: unknown,
  record: RunRecord,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  if (value === undefined) return;
  const agentops = config.agentopsKeys;
  const isTool = record.kind === 'tool';
  const attribute = isTool
    ? agentops
      ? which === 'input'
        ? ATTR.TOOL_PARAMETERS
        : ATTR.TOOL_RESULT
      : which === 'input'
        ? ATTR.GENAI_TOOL_CALL_ARGUMENTS
        : ATTR.GENAI_TOOL_CALL_RESULT
    : which === 'input'
      ? ATTR.ENTITY_INPUT
      : ATTR.ENTITY_OUTPUT;
  const context = { attribute, spanKind: record.kind };
  const text =
    typeof value === 'string'
      ? toSafeText(value, config.redactor, context)
      : toSafeJson(value, config.redactor, context);
  if (record.capture === 'metadata') {
    sink.set(which === 'input' ? ATTR.ENTITY_INPUT_LENGTH : ATTR.ENTITY_OUTPUT_LENGTH, text.length);
    return;
  }
  sink.set(attribute, text);
}
