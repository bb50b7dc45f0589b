import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { User } from '../auth/user.entity';
import { AdminChanges } from './admin-audit';
import { Grant } from './grant.entity';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { Role } from './role.entity';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Administration of accounts, roles and resource grants (menu `admin.users`). */
@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([User, Role, Grant])],
  controllers: [UsersController, RolesController, GrantsController],
  providers: [AdminChanges, UsersService, RolesService, GrantsService],
})
export class AccessAdminModule {}
