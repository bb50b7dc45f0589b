import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccessAdminModule } from './access/access-admin.module';
import { AccessGuard } from './access/access.guard';
import { AuditModule } from './audit/audit.module';
import { AuditService } from './audit/audit.service';
import { AuthModule } from './auth/auth.module';
import { openDatabase } from './common/database';
import { ErrorFilter } from './common/error.filter';
import { RedisService } from './common/redis.service';
import { AppConfig } from './config/config';
import { TenantsModule } from './tenants/tenants.module';
import { DbSessionsModule } from './db-sessions/db-sessions.module';
import { HealthController } from './health/health.controller';
import { RelayModule } from './relay/relay.module';
import { RelaySessionsModule } from './relay/sessions/relay-sessions.module';

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
      imports: [
        CoreModule.forRoot(config),
        AuthModule,
        // feature modules
        AccessAdminModule,
        AuditModule,
        TenantsModule,
        DbSessionsModule,
        RelayModule,
        RelaySessionsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
