import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { decodeJobRecord, encodeJobRecord, type JobRecord, type StoredRecord } from '../jobs/job-record';
import { TaskIndex } from '../tasks/task-index.repository';

/** A finished task as stored: who may read it, and what the job learnt (null once delivered). */
export interface StoredResult {
  owner: string;
  record: StoredRecord | null;
  /** When an undelivered result expires (Unix ms); null for a result the previous version stored. */
  expiresAt: number | null;
}

// Writes only when no result exists yet (the fallback failure path must never overwrite a result)
// and the owner has not cancelled the task: checked in the same script as the write, so a cancel
// (CancelFlags.raise, then a second look here) and a worker finishing at that moment cannot both win.
// The announcement goes out in the same script, so a waiter that hears it always finds the result.
const SAVE_IF_ABSENT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local expiresAt = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'json', ARGV[2], 'expires_at', tostring(expiresAt))
redis.call('PEXPIREAT', KEYS[1], expiresAt)
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

/** What saveIfAbsent did: wrote the record, found one already there, or found the task cancelled. */
export type SaveOutcome = 'stored' | 'exists' | 'cancelled';
const SAVE_OUTCOMES: Record<number, SaveOutcome> = { 1: 'stored', 0: 'exists', [-1]: 'cancelled' };

/**
 * Finished results in Redis hashes that expire RESULT_TTL_MS after the job ends: the job's whole
 * record, from which each output is rendered at delivery. Each stored task id is also
 * published on the result-stored channel, for requests waiting on it (ResultWaiter).
 */
@Injectable()
export class ResultStore {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
    private readonly tasks: TaskIndex,
  ) {}

  /**
   * Stores the record unless a result was already stored for the task or its owner cancelled it.
   * `ttlMs`: the task's retention (delete_after), RESULT_TTL_MS by default.
   */
  async saveIfAbsent(
    taskId: string,
    owner: string,
    record: JobRecord,
    ttlMs = this.config.results.ttlMs,
  ): Promise<SaveOutcome> {
    const written = await this.redis.eval(
      SAVE_IF_ABSENT,
      2,
      this.keys.result(taskId),
      this.keys.cancel(taskId),
      owner,
      encodeJobRecord(record),
      String(ttlMs),
      this.keys.resultStored(),
      taskId,
    );
    return SAVE_OUTCOMES[Number(written)];
  }

  async find(taskId: string): Promise<StoredResult | null> {
    const [owner, json, expiresAt] = await this.redis.hmget(
      this.keys.result(taskId),
      'owner',
      'json',
      'expires_at',
    );
    if (owner === null) return null;
    // A record the previous version stored reads as a legacy record: it is still delivered.
    return {
      owner,
      record: json === null ? null : decodeJobRecord(json),
      expiresAt: expiresAt === null ? null : Number(expiresAt),
    };
  }

  /**
   * Drops the body of a delivered result, keeping a marker (the owner alone) for as long as the
   * result would have lived: the worker stores the result a moment before Bull marks its job
   * completed, and a job whose worker died in between is run again after the stalled-job check;
   * the marker keeps a second run from storing, and the client from seeing, a second result.
   * The task's listing record notes the delivery.
   */
  async markDelivered(taskId: string, owner: string): Promise<void> {
    const key = this.keys.result(taskId);
    await this.redis
      .multi()
      .hdel(key, 'json', 'expires_at')
      .pexpire(key, this.config.results.ttlMs)
      // The text streamed while the task ran goes with the result it was part of.
      .del(this.keys.segments(taskId))
      .exec();
    await this.tasks.delivered(taskId, owner);
  }
}
