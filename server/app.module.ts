import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AccessAdminModule } from './access/access-admin.module';
import { AccessGuard } from './access/access.guard';
import { AuditModule } from './audit/audit.module';
import { AuditService } from './audit/audit.service';
import { AuthModule } from './auth/auth.module';
import { AuditEntry } from './audit/audit.entity';
import { metadataDataSourceOptions, openDatabase } from './common/database';
import { ErrorFilter } from './common/error.filter';
import { RedisService } from './common/redis.service';
import { RegistryVersion } from './common/redis-version';
import { AppConfig } from './config/config';
import { Cluster } from './tenants/cluster.entity';
import { Tenant } from './tenants/tenant.entity';
import { TenantsModule } from './tenants/tenants.module';
import { DbSessionsModule } from './db-sessions/db-sessions.module';
import { HealthController } from './health/health.controller';
import { RelayModule } from './relay/relay.module';
import { RelaySessionsModule } from './relay/sessions/relay-sessions.module';

/** The typed configuration, validated once at boot, for every module. */
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, global: true, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

/**
 * Providers every feature may inject: config, the metadata database (TypeORM's DataSource; feature
 * modules take their repositories with TypeOrmModule.forFeature), Redis, audit, the registry's
 * version counter.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig): TypeOrmModuleOptions => ({
            ...metadataDataSourceOptions(c.databaseUrl),
            // an unreachable database or pending migrations stop the boot at once, as they say why
            retryAttempts: 0,
            toRetry: () => false,
          }),
          // refuses to start with pending migrations (demo mode applies them)
          dataSourceFactory: (options?: DataSourceOptions) => openDatabase(config, options),
        }),
        TypeOrmModule.forFeature([AuditEntry]),
      ],
      providers: [RedisService, AuditService, RegistryVersion],
      exports: [RedisService, AuditService, RegistryVersion],
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
        // the access guard reads tenants and clusters to check resource grants
        TypeOrmModule.forFeature([Tenant, Cluster]),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
