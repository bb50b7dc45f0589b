import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Grant } from '../access/grant.entity';
import { Role } from '../access/role.entity';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ConsoleSessionStore } from './console-session.store';
import { LoginThrottle } from './login-throttle';
import { PrincipalVersion } from '../common/redis-version';
import { User } from './user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([User, Role, Grant])],
  controllers: [AuthController],
  providers: [AuthService, ConsoleSessionStore, LoginThrottle, PrincipalVersion],
  exports: [AuthService, ConsoleSessionStore, PrincipalVersion],
})
export class AuthModule {}
