import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AdminChanges } from './admin-audit';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Administration of accounts, roles and resource grants (menu `admin.users`). */
@Module({
  imports: [AuthModule],
  controllers: [UsersController, RolesController, GrantsController],
  providers: [AdminChanges, UsersService, RolesService, GrantsService],
})
export class AccessAdminModule {}
