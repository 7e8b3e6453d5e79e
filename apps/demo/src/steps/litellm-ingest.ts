/**
 * Step 3, LiteLLM: a support-ticket workflow calls models through a LiteLLM proxy (simulated, see
 * `../litellm-proxy.ts`): a triage call, then a reply whose primary deployment answers 429 and whose fallback
 * succeeds. The proxy's `generic_api` logger posts the calls' `StandardLoggingPayload`s as NDJSON, and
 * `AgentOpsLiteLLMHandler.logStandardLoggingPayload` turns them into spans (the path the bridge app wraps).
 */
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { context } from '@opentelemetry/api';
import { type ProxyResult, proxyCompletion } from '../litellm-proxy.ts';
import type { StepContext } from './step.ts';

/** Name of the workflow; its span is `ticket-triage.workflow`. */
export const LITELLM_WORKFLOW_NAME = 'ticket-triage';

const TICKET = 'My flight to Paris was cancelled and the hotel will not refund the first night. What can I do?';

/** What the step did. */
export interface LiteLLMStepResult {
  /** Payloads posted by the (simulated) proxy. */
  payloads: number;
  /** Payloads the handler recorded. */
  accepted: number;
  /** Payloads of failed calls. */
  failures: number;
  reply: string;
}

/** Runs the workflow, then ingests the proxy's payloads under its span. */
export async function runLiteLLMIngest({ llmUrl, recorder }: StepContext): Promise<LiteLLMStepResult> {
  // Calls from a LiteLLM proxy did not run in this process: with `autoSession: false` they nest under the span that
  // is active when the payloads arrive (here the workflow, inside the demo's session).
  const handler = new AgentOpsLiteLLMHandler({ autoSession: false });
  const workflowKey = `litellm-workflow:${crypto.randomUUID()}`;
  recorder.startRun({ key: workflowKey, kind: 'workflow', name: LITELLM_WORKFLOW_NAME, input: TICKET });
  try {
    const results: ProxyResult[] = [];
    const triage = await proxyCompletion(llmUrl, {
      model: 'gpt-4o',
      temperature: 0,
      max_tokens: 20,
      tags: ['support', 'triage'],
      user: 'customer-4521',
      messages: [
        { role: 'system', content: 'Classify the ticket as one of: refund, rebooking, complaint.' },
        { role: 'user', content: TICKET },
      ],
    });
    results.push(triage);
    // One router request: the primary deployment is rate limited, the router falls back to gpt-4o-mini.
    const traceId = crypto.randomUUID();
    const replyMessages = [
      { role: 'system' as const, content: 'Write a short, friendly reply to the customer.' },
      { role: 'user' as const, content: TICKET },
    ];
    results.push(
      await proxyCompletion(llmUrl, {
        model: 'gpt-4o',
        traceId,
        tags: ['support', 'reply'],
        user: 'customer-4521',
        messages: replyMessages,
        upstreamHeaders: { 'x-mock-error-status': '429' },
      }),
    );
    const fallback = await proxyCompletion(llmUrl, {
      model: 'gpt-4o-mini',
      traceId,
      tags: ['support', 'reply'],
      user: 'customer-4521',
      messages: replyMessages,
    });
    results.push(fallback);

    // What the proxy's generic_api logger posts (log_format: ndjson), handed to the handler as the bridge would.
    const body = results.map((result) => JSON.stringify(result.payload)).join('\n');
    const summary = context.with(recorder.contextFor(workflowKey) ?? context.active(), () =>
      handler.logStandardLoggingPayload(body),
    );
    handler.close('Success');
    const reply = fallback.text ?? '';
    recorder.endRun({ key: workflowKey, output: reply });
    return {
      payloads: results.length,
      accepted: summary.accepted,
      failures: results.filter((result) => !result.ok).length,
      reply,
    };
  } catch (error) {
    handler.close('Fail');
    recorder.failRun({ key: workflowKey, error });
    throw error;
  }
}
