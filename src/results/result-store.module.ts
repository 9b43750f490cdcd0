import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { CancelFlags } from './cancel-flags.repository';
import { ResultStore } from './result-store.repository';

/** Where finished results wait for their owner: written by workers, read by the API. */
@Module({
  imports: [RedisModule],
  providers: [ResultStore, CancelFlags],
  exports: [ResultStore, CancelFlags],
})
export class ResultStoreModule {}
