import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { RelayModule } from '../relay.module';
import { RelayRedis } from './relay-redis';
import { RelaySessionReader } from './relay-session.reader';
import { RelaySessionsController } from './relay-sessions.controller';
import { RelaySessionsService } from './relay-sessions.service';

/**
 * The relay sessions admin API: lists, details, messages and termination. It reads the layout the
 * gateway writes, through the relay's Redis (a Redis Cluster when configured), and terminates with
 * the relay's own terminator.
 */
@Module({
  imports: [RelayModule],
  controllers: [RelaySessionsController],
  providers: [
    {
      provide: RelaySessionReader,
      inject: [RelayRedis, AppConfig],
      useFactory: (redis: RelayRedis, config: AppConfig) =>
        new RelaySessionReader(redis.client, {
          keys: redis.keys,
          ttlMs: config.sessionTtlSeconds * 1000,
          leaseMs: config.relaySlotLeaseSeconds * 1000,
          retentionMs: config.sessionInactiveRetentionSeconds * 1000,
          currency: config.relayCurrency,
          messagesStored: config.storeSessionMessages,
          messageMaxBytes: config.sessionMessageMaxBytes,
        }),
    },
    RelaySessionsService,
  ],
})
export class RelaySessionsModule {}
