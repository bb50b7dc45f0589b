import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ConsoleSessionStore } from './console-session.store';
import { LoginThrottle } from './login-throttle';

@Module({
  controllers: [AuthController],
  providers: [AuthService, ConsoleSessionStore, LoginThrottle],
  exports: [AuthService, ConsoleSessionStore],
})
export class AuthModule {}
