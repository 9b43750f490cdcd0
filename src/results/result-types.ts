import type {
  CompletedResultDto,
  FailedResultDto,
  PendingResultDto,
  ProcessingResultDto,
} from './dto/result-response.dto';

/** The four answers of GET /result/{task_id}, exactly as the contract shapes them (see the DTOs). */
export type ResultBody = PendingResultDto | ProcessingResultDto | CompletedResultDto | FailedResultDto;

export type FinishedBody = CompletedResultDto | FailedResultDto;
