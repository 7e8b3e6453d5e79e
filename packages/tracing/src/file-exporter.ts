import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { userWarnOnce } from './log.js';
import { spanToRecord } from './span-json.js';

/** Options of the file exporter. */
export interface FileExporterOptions {
  /** File to append JSON lines to; its folder is created when missing. @default `AGENTOPS_TRACE_FILE`, else `agentops-spans.jsonl` */
  path?: string;
}

/**
 * Appends each span as one line of JSON (see `SpanRecord`) to a file. Writes are serialized and asynchronous;
 * `forceFlush()` waits for them. A failed write is reported once through `diag` and never thrown.
 *
 * @example
 * ```ts
 * new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new FileSpanExporter('spans.jsonl') })] });
 * ```
 */
export class FileSpanExporter implements SpanExporter {
  /** Absolute path of the file written. */
  readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private folderReady = false;
  private stopped = false;
  private failures = 0;

  /** Writes to `path`, relative to the working directory. */
  constructor(path: string) {
    this.path = resolve(path);
  }

  /** Appends the batch; calls back when it is written. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('file exporter is shut down') });
      return;
    }
    let text = '';
    for (const span of spans) {
      try {
        text += `${JSON.stringify(spanToRecord(span))}\n`;
      } catch {
        // A span that cannot be serialized is skipped; the rest of the batch is still written.
      }
    }
    this.chain = this.chain.then(async () => {
      let result: ExportResult;
      try {
        result = await this.write(text);
      } catch (error) {
        this.failures++;
        const reason = error instanceof Error ? error.message : String(error);
        userWarnOnce(`file-write:${this.path}`, `could not write spans to ${this.path}: ${reason}`);
        result = { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(reason) };
      }
      try {
        resultCallback(result);
      } catch {
        // The chain must survive a throwing callback, or every later write would be skipped.
      }
    });
  }

  /** Batches whose write failed. */
  get failedWrites(): number {
    return this.failures;
  }

  /** Waits for pending writes. */
  async forceFlush(): Promise<void> {
    await this.chain;
  }

  /** Waits for pending writes, then refuses new ones. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.chain;
  }

  private async write(text: string): Promise<ExportResult> {
    if (text === '') return { code: ExportResultCode.SUCCESS };
    if (!this.folderReady) {
      await mkdir(dirname(this.path), { recursive: true });
      this.folderReady = true;
    }
    await appendFile(this.path, text, 'utf8');
    return { code: ExportResultCode.SUCCESS };
  }
}
