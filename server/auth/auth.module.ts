import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ConsoleSessionStore } from './console-session.store';
import { LoginThrottle } from './login-throttle';
import { PrincipalVersion } from './principal-version';

@Module({
  controllers: [AuthController],
  providers: [AuthService, ConsoleSessionStore, LoginThrottle, PrincipalVersion],
  exports: [AuthService, ConsoleSessionStore, PrincipalVersion],
})
export class AuthModule {}
