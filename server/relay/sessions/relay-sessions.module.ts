import { Module } from '@nestjs/common';
import { RedisService } from '../../common/redis.service';
import { AppConfig } from '../../config/config';
import { relayKeys } from './relay-session.keys';
import { RelaySessionReader } from './relay-session.reader';
import { RelaySessionTerminator } from './relay-session.terminator';
import { RelaySessionsController } from './relay-sessions.controller';
import { RelaySessionsService } from './relay-sessions.service';

/** The relay sessions admin API: lists, details, messages and termination. */
@Module({
  controllers: [RelaySessionsController],
  providers: [
    {
      provide: RelaySessionReader,
      inject: [RedisService, AppConfig],
      useFactory: (redis: RedisService, config: AppConfig) =>
        new RelaySessionReader(redis.client, {
          keys: relayKeys(config.redisPrefix),
          ttlMs: config.sessionTtlSeconds * 1000,
          retentionMs: config.sessionInactiveRetentionSeconds * 1000,
          currency: config.relayCurrency,
          messagesStored: config.storeSessionMessages,
          messageMaxBytes: config.sessionMessageMaxBytes,
        }),
    },
    RelaySessionTerminator,
    RelaySessionsService,
  ],
})
export class RelaySessionsModule {}
