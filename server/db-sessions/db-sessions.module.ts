import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { DbSessionsController } from './db-sessions.controller';
import { DbSessionsService } from './db-sessions.service';
import { SessionSnapshots } from './session-snapshots';

@Module({
  imports: [TenantsModule, TypeOrmModule.forFeature([Tenant, Cluster])],
  controllers: [DbSessionsController],
  providers: [DbSessionsService, SessionSnapshots],
})
export class DbSessionsModule {}
