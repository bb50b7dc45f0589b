import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { DbSessionsController } from './db-sessions.controller';
import { DbSessionsService } from './db-sessions.service';
import { SessionSnapshots } from './session-snapshots';
import { SessionsOverviewController, SessionsOverviewService } from './sessions-overview';

@Module({
  imports: [TenantsModule, TypeOrmModule.forFeature([Tenant, Cluster])],
  controllers: [DbSessionsController, SessionsOverviewController],
  providers: [DbSessionsService, SessionSnapshots, SessionsOverviewService],
})
export class DbSessionsModule {}
