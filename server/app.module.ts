import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccessGuard } from './access/access.guard';
import { AuditService } from './audit/audit.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { ConsoleSessionStore } from './auth/console-session.store';
import { LoginThrottle } from './auth/login-throttle';
import { openDatabase } from './common/database';
import { ErrorFilter } from './common/error.filter';
import { RedisService } from './common/redis.service';
import { AppConfig } from './config/config';
import { HealthController } from './health/health.controller';

/** Providers every feature may inject: config, the metadata database, Redis, audit. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      providers: [
        { provide: AppConfig, useValue: config },
        {
          provide: DataSource,
          useFactory: () => openDatabase(config),
        },
        RedisService,
        AuditService,
      ],
      exports: [AppConfig, DataSource, RedisService, AuditService],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config)],
      controllers: [AuthController, HealthController],
      providers: [
        AuthService,
        ConsoleSessionStore,
        LoginThrottle,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
