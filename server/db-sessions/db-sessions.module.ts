import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { DbSessionsController } from './db-sessions.controller';
import { DbSessionsService } from './db-sessions.service';
import { SessionSnapshots } from './session-snapshots';

@Module({
  imports: [TenantsModule],
  controllers: [DbSessionsController],
  providers: [DbSessionsService, SessionSnapshots],
})
export class DbSessionsModule {}
