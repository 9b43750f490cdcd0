import type { NewSegment } from '../../libs/speech';
import type { TaskEventsPublisher } from '../results/task-events.publisher';

/**
 * Numbers a task's Whisper segments as they arrive and publishes them one after another, so that
 * a listener sees them in order; a failed publish is dropped (the result will hold the text anyway).
 */
export class LiveSegments {
  private next = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly taskId: string,
    private readonly publisher: TaskEventsPublisher,
  ) {}

  readonly report = (segment: NewSegment): void => {
    const event = { index: this.next++, ...segment };
    this.chain = this.chain.then(() =>
      this.publisher.segment(this.taskId, event).then(
        () => undefined,
        () => undefined,
      ),
    );
  };

  /** Resolves once every segment so far was published: before the result, which ends the stream. */
  flush(): Promise<void> {
    return this.chain;
  }
}
