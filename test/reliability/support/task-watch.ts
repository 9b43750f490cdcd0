import { getJson } from '../../e2e/support/http-client';
import { sleep } from '../../e2e/support/server-process';

/** One answer a polling client saw. */
export interface Sighting {
  at: number;
  httpStatus: number;
  status: string;
}

/**
 * A client that polls GET /result/{task_id} the way real clients do, records every answer, and
 * goes on polling a few times after the result arrived, to see whether it ever comes again.
 */
export class TaskWatcher {
  readonly sightings: Sighting[] = [];
  private stopped = false;
  readonly done: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
    readonly taskId: string,
    private readonly options: { intervalMs?: number; pollsAfterResult?: number } = {},
  ) {
    this.done = this.loop();
  }

  stop(): void {
    this.stopped = true;
  }

  /** How many times this client was handed the finished result (completed or failed). */
  get deliveries(): number {
    return this.sightings.filter((s) => s.status === 'completed' || s.status === 'failed').length;
  }

  get finalStatus(): string | undefined {
    return this.sightings.find((s) => s.status === 'completed' || s.status === 'failed')?.status;
  }

  /** Answers after the result had been delivered. */
  get afterDelivery(): Sighting[] {
    const index = this.sightings.findIndex((s) => s.status === 'completed' || s.status === 'failed');
    return index < 0 ? [] : this.sightings.slice(index + 1);
  }

  private async loop(): Promise<void> {
    const interval = this.options.intervalMs ?? 250;
    let afterResult = -1;
    while (!this.stopped && afterResult < (this.options.pollsAfterResult ?? 3)) {
      try {
        const { status, body } = await getJson(`${this.baseUrl}/result/${this.taskId}`, {
          Authorization: this.authorization,
        });
        this.sightings.push({ at: Date.now(), httpStatus: status, status: String(body.status) });
      } catch (error) {
        this.sightings.push({ at: Date.now(), httpStatus: 0, status: `network error: ${String(error)}` });
      }
      if (afterResult >= 0 || this.deliveries > 0) afterResult++;
      await sleep(interval);
    }
  }
}

/** Resolves when every watcher has seen its result (and its few polls after), or rejects at the deadline. */
export async function allDelivered(watchers: TaskWatcher[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waiting = watchers.filter((w) => w.deliveries === 0).map((w) => w.taskId);
      reject(new Error(`${waiting.length} task(s) never finished: ${waiting.join(', ')}`));
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.all(watchers.map((w) => w.done)), deadline]);
  } finally {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.stop();
  }
}
