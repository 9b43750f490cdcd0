import {
  BadRequestException,
  GatewayTimeoutException,
  Injectable,
  InternalServerErrorException,
  Logger,
} from '@nestjs/common';
import { probeMedia } from '../../libs/audio';
import { AppConfig } from '../config/app-config';
import { buildJob } from '../jobs/job-builder';
import { taskFactsOf } from '../tasks/task-facts';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { CancelFlags } from '../results/cancel-flags.repository';
import { ResultStore } from '../results/result-store.repository';
import { ResultWaiter } from '../results/result-waiter';
import { TaskIndex } from '../tasks/task-index.repository';
import { TaskRetention } from '../tasks/task-retention';
import { channelSpeakerNumbers, type ResultEntry, toResultEntries } from '../../libs/pipeline';
import { INPUT_FAILURE_CODES, type StoredRecord } from '../jobs/job-record';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import type { OpenAiTranscriptionRequestDto } from './openai-transcription-request.dto';
import {
  type OpenAiTranscriptionInput,
  renderOpenAiResponse,
  type RenderedOpenAiResponse,
} from './openai-response';

/** How often the waiting request looks for the result when result notifications are unavailable. */
const POLL_INTERVAL_MS = 250;
/** With notifications, a look this often anyway: bounds the wait should one be lost. */
const NOTIFIED_CHECK_MS = 5000;
/** Past the job's own deadline the worker has failed it; this margin covers queueing and storing. */
const WAIT_MARGIN_MS = 60_000;

/**
 * OpenAI's synchronous transcription on top of the queue: the same job as POST /transcribe (with
 * word timestamps), awaited, delivered in the asked format, and deleted at once since the caller
 * has it. A caller that goes away cancels the job.
 */
@Injectable()
export class OpenAiTranscriptionService {
  private readonly logger = new Logger(OpenAiTranscriptionService.name);

  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly results: ResultStore,
    private readonly cancelFlags: CancelFlags,
    private readonly config: AppConfig,
    private readonly waiter: ResultWaiter,
    private readonly tasks: TaskIndex,
    private readonly retention: TaskRetention,
  ) {}

  async transcribe(
    owner: string,
    upload: AcceptedUpload,
    form: OpenAiTranscriptionRequestDto,
    gone: AbortSignal,
  ): Promise<RenderedOpenAiResponse> {
    // Read before queueing: the worker deletes the upload when the job ends.
    const durationSeconds = await probeMedia(upload.filePath)
      .then((info) => info.durationSeconds)
      .catch(() => null);
    const job = buildJob({
      kind: 'transcribe',
      owner,
      upload,
      speakers: {
        speakerCount: form.speaker_count,
        speakerCountGiven: form.speaker_count !== undefined,
        defaultCount: null,
      },
      whisper: { language: form.language, temperature: form.temperature, initialPrompt: form.prompt },
      wordTimestamps: true,
    });
    await this.tasks.created(taskFactsOf(job), this.retention.unfinished(job));
    await this.queue.enqueue(job).catch(async (error: unknown) => {
      await this.tasks.remove(job.taskId, owner).catch(() => undefined);
      throw error;
    });
    const record = await this.waitForResult(upload.taskId, owner, gone);
    const input = toOpenAiInput(record, form.language ?? null, durationSeconds);
    return renderOpenAiResponse(input, form.response_format ?? 'json', {
      timestampGranularities: form.timestamp_granularities,
      temperature: form.temperature ?? 0,
    });
  }

  private async waitForResult(taskId: string, owner: string, gone: AbortSignal): Promise<StoredRecord> {
    const deadline = Date.now() + this.config.jobs.timeoutMs + WAIT_MARGIN_MS;
    // Set after a wait that ended early: a wake that finds nothing (shutdown, a Redis reconnection)
    // falls back to one poll interval rather than spinning.
    let wokenEarly = false;
    while (Date.now() < deadline) {
      if (gone.aborted) {
        await this.cancel(taskId);
        throw new BadRequestException('the client went away; the task was cancelled');
      }
      // Watched before looking, so that a result stored in between still wakes the wait.
      const watch = wokenEarly ? null : await this.waiter.watch(taskId).catch(() => null);
      try {
        const stored = await this.results.find(taskId);
        if (stored?.record) {
          // Consumed here and now: nobody polls GET /result for it.
          await this.results.markDelivered(taskId, owner).catch((error: unknown) => {
            this.logger.warn(`could not delete the result of ${taskId}: ${String(error)}`);
          });
          return stored.record;
        }
        if (!watch) {
          wokenEarly = false;
          await sleep(POLL_INTERVAL_MS, gone);
          continue;
        }
        const budgetMs = Math.min(NOTIFIED_CHECK_MS, Math.max(0, deadline - Date.now()));
        const waitedFrom = Date.now();
        await watch.wait(budgetMs, gone);
        wokenEarly = Date.now() - waitedFrom < budgetMs;
      } finally {
        watch?.close();
      }
    }
    await this.cancel(taskId);
    throw new GatewayTimeoutException('the transcription did not finish in time');
  }

  private async cancel(taskId: string): Promise<void> {
    try {
      await this.cancelFlags.raise(taskId);
      this.logger.log(`task ${taskId} cancelled: its OpenAI-compatible caller is gone`);
    } catch (error) {
      this.logger.warn(`could not cancel task ${taskId}: ${String(error)}`);
    }
  }
}

/**
 * The stored result in the renderer's terms: the detected language and Whisper's own segments. A
 * result stored by the previous version kept neither: each entry then stands for a segment and the
 * language is the requested one, or `unknown`. A failure is a 400 when the input caused it, else a 500.
 */
export function toOpenAiInput(
  record: StoredRecord,
  language: string | null,
  durationSeconds: number | null,
): OpenAiTranscriptionInput {
  switch (record.kind) {
    case 'failure':
      throw INPUT_FAILURE_CODES.has(record.code)
        ? new BadRequestException(record.message)
        : new InternalServerErrorException(record.message);
    case 'speaker-turns':
      throw new InternalServerErrorException('the task holds speaker turns, not a transcript');
    case 'transcript': {
      const { transcript } = record;
      return {
        language: transcript.language || language || 'unknown',
        durationSeconds: durationSeconds ?? transcript.durationSeconds,
        utterances: toResultEntries(transcript.utterances, {
          words: true,
          speakerNumbers: channelSpeakerNumbers(transcript),
        }).entries,
        segments: transcript.segments,
        warnings: transcript.warnings,
      };
    }
    case 'legacy':
      if (record.status === 'failed') throw new InternalServerErrorException(record.error);
      return legacyInput(record.results as ResultEntry[], language, durationSeconds);
  }
}

function legacyInput(
  utterances: readonly ResultEntry[],
  language: string | null,
  durationSeconds: number | null,
): OpenAiTranscriptionInput {
  const lastEnd = utterances.reduce((end, entry) => Math.max(end, entry.end), 0);
  return {
    language: language ?? 'unknown',
    durationSeconds: durationSeconds ?? lastEnd,
    utterances: utterances.map((entry) => ({ ...entry })),
    segments: utterances.map((entry) => ({
      start: entry.start,
      end: entry.end,
      text: ` ${entry.text.trim()}`,
      noSpeechProb: 0,
      words: (entry.words ?? []).map(({ word, start, end, probability }) => ({
        word,
        start,
        end,
        probability,
      })),
    })),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
