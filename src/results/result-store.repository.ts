import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { decodeJobRecord, encodeJobRecord, type JobRecord, type StoredRecord } from '../jobs/job-record';

/** A finished task as stored: who may read it, and what the job learnt (null once delivered). */
export interface StoredResult {
  owner: string;
  record: StoredRecord | null;
}

// Writes only when no result exists yet: the fallback failure path must never overwrite a result.
// The announcement goes out in the same script, so a waiter that hears it always finds the result.
const SAVE_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'json', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

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
  ) {}

  /** Returns false when a result was already stored for the task. */
  async saveIfAbsent(taskId: string, owner: string, record: JobRecord): Promise<boolean> {
    const written = await this.redis.eval(
      SAVE_IF_ABSENT,
      1,
      this.keys.result(taskId),
      owner,
      encodeJobRecord(record),
      String(this.config.results.ttlMs),
      this.keys.resultStored(),
      taskId,
    );
    return written === 1;
  }

  async find(taskId: string): Promise<StoredResult | null> {
    const [owner, json] = await this.redis.hmget(this.keys.result(taskId), 'owner', 'json');
    if (owner === null) return null;
    // A record the previous version stored reads as a legacy record: it is still delivered.
    return { owner, record: json === null ? null : decodeJobRecord(json) };
  }

  /**
   * Drops the body of a delivered result, keeping a marker (the owner alone) for as long as the
   * result would have lived: the worker stores the result a moment before Bull marks its job
   * completed, and a job whose worker died in between is run again after the stalled-job check;
   * the marker keeps a second run from storing, and the client from seeing, a second result.
   */
  async markDelivered(taskId: string): Promise<void> {
    const key = this.keys.result(taskId);
    await this.redis
      .multi()
      .hdel(key, 'json')
      .pexpire(key, this.config.results.ttlMs)
      // The text streamed while the task ran goes with the result it was part of.
      .del(this.keys.segments(taskId))
      .exec();
  }
}
