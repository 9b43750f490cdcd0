import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { isTaskId } from '../jobs/task-id';
import { HEARTBEAT_MS, type EventStream } from './event-stream';
import type { ProcessingResultDto } from './dto/result-response.dto';
import type { ResultBody } from './result-types';
import { ResultWaiter } from './result-waiter';
import { ResultsService } from './results.service';
import type { SegmentEvent, TaskEvent } from './task-events';

/** A stream ends after this long without its task finishing; the client reconnects (retry) and resumes. */
export const STREAM_MAX_MS = 10 * 60_000;
const RECONNECT_MS = 2_000;

/**
 * GET /result/{task_id}/events: the task's state, then its progress and Whisper segments as the
 * worker publishes them, then the final completed/failed answer, which counts as delivery exactly
 * as GET /result's does. Every stream of the process listens through ResultWaiter's one Redis
 * subscription and shares one heartbeat timer, so an idle stream costs a socket and a few objects.
 */
@Injectable()
export class ResultEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(ResultEventsService.name);
  private readonly open = new Set<EventStream>();
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly results: ResultsService,
    private readonly waiter: ResultWaiter,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async follow(taskId: string, owner: string, stream: EventStream): Promise<void> {
    if (this.closing) return stream.end();
    this.open.add(stream);
    this.heartbeat ??= setInterval(() => this.beat(), HEARTBEAT_MS).unref();
    try {
      stream.retry(RECONNECT_MS);
      await this.run(taskId, owner, stream);
    } catch (error) {
      this.logger.warn(`event stream of task ${taskId} ended: ${String(error)}`);
    } finally {
      this.open.delete(stream);
      stream.end();
      if (this.open.size === 0 && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    }
  }

  /**
   * Shutdown begins: open streams end now rather than hold the HTTP server's drain (their clients
   * reconnect to another API process, or to this one restarted, and lose nothing).
   */
  endAll(): void {
    this.closing = true;
    for (const stream of this.open) stream.end();
  }

  onModuleDestroy(): void {
    this.endAll();
  }

  private beat(): void {
    for (const stream of this.open) stream.heartbeat();
  }

  private async run(taskId: string, owner: string, stream: EventStream): Promise<void> {
    const deadline = Date.now() + STREAM_MAX_MS;
    const follower = new TaskFollower(stream);
    let lastState = '';
    while (!stream.gone.aborted && !this.closing && !this.waiter.stopped && Date.now() < deadline) {
      // Each look is preceded by a fresh watch: a result stored in between still wakes it.
      const relook = new AbortController();
      const onGone = (): void => relook.abort();
      stream.gone.addEventListener('abort', onGone, { once: true });
      const watch = isTaskId(taskId)
        ? await this.waiter.watch(taskId, (json) =>
            follower.verified ? follower.live(json) : relook.abort(),
          )
        : null;
      try {
        const answer = await this.results.answerNow(taskId, owner);
        const body = JSON.parse(answer.json) as ResultBody;
        if (answer.onDelivered) {
          if (await stream.finish(body.status, answer.json)) await answer.onDelivered();
          return;
        }
        if (answer.json !== lastState) {
          lastState = answer.json;
          stream.send(body.status === 'processing' ? 'progress' : body.status, answer.json);
        }
        // A processing answer proves the owner: only then are the task's events passed on. Each such
        // look also catches up on segments published while no watch was listening (between two
        // watches, or while the subscription reconnected).
        if (body.status === 'processing') {
          await follower.catchUp(() => this.storedSegments(taskId));
        }
        if (!watch) return;
        await watch.wait(Math.max(0, deadline - Date.now()), relook.signal);
      } finally {
        watch?.close();
        stream.gone.removeEventListener('abort', onGone);
      }
    }
  }

  private async storedSegments(taskId: string): Promise<SegmentEvent[]> {
    const items = await this.redis.lrange(this.keys.segments(taskId), 0, -1);
    return items.map((item) => JSON.parse(item) as SegmentEvent);
  }
}

/**
 * Passes a task's live events on to its stream once the owner is verified, after the segments
 * stored so far; live events that arrive while those are read wait their turn, and a segment is
 * never sent twice.
 */
class TaskFollower {
  verified = false;
  private nextSegment = 0;
  private held: string[] | null = null;

  constructor(private readonly stream: EventStream) {}

  async catchUp(stored: () => Promise<SegmentEvent[]>): Promise<void> {
    this.verified = true;
    this.held = [];
    try {
      for (const segment of await stored()) this.segment(segment);
    } finally {
      const held = this.held;
      this.held = null;
      for (const json of held) this.live(json);
    }
  }

  live(json: string): void {
    if (this.held) {
      this.held.push(json);
      return;
    }
    const event = JSON.parse(json) as TaskEvent;
    if (event.type === 'segment') this.segment(event.segment);
    else {
      const body: ProcessingResultDto = {
        status: 'processing',
        info: event.progress.stage,
        progress: event.progress.percent,
      };
      this.stream.send('progress', JSON.stringify(body));
    }
  }

  private segment(segment: SegmentEvent): void {
    if (segment.index < this.nextSegment) return;
    this.nextSegment = segment.index + 1;
    this.stream.send('segment', JSON.stringify(segment));
  }
}
