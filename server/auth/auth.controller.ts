import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, Public } from '../access/access.decorators';
import { SESSION_COOKIE } from '../access/access.guard';
import { clientIp } from '../access/principal';
import type { Principal, PrincipalRequest } from '../access/principal';
import { AppConfig } from '../config/config';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, MeDto } from './auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  private me(p: Principal): MeDto {
    return {
      user: { id: p.userId, username: p.username, displayName: p.displayName, mustChangePassword: p.mustChangePassword },
      roles: p.roles,
      menus: p.menus,
      grants: p.grants,
      allAccess: p.allAccess,
      readOnly: p.readOnly,
      edition: this.config.edition,
      csrfToken: p.csrfToken,
    };
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: MeDto })
  async login(@Body() dto: LoginDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) res: Response): Promise<MeDto> {
    const { token, principal } = await this.auth.login(dto.username, dto.password, clientIp(req));
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      // Secure whenever the console is served over HTTPS (directly, or behind a proxy named in TRUST_PROXY)
      secure: this.config.cookieSecure || req.secure,
      path: '/',
      maxAge: this.config.consoleSessionTtlSeconds * 1000,
    });
    return this.me(principal);
  }

  @Post('logout')
  @Authenticated({ allowPasswordChange: true })
  @HttpCode(204)
  async logout(@Req() req: PrincipalRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(req.principal!, clientIp(req));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Authenticated({ allowPasswordChange: true })
  @ApiOkResponse({ type: MeDto })
  getMe(@Req() req: PrincipalRequest): MeDto {
    return this.me(req.principal!);
  }

  @Post('password')
  @Authenticated({ allowPasswordChange: true })
  @HttpCode(204)
  async changePassword(@Body() dto: ChangePasswordDto, @Req() req: PrincipalRequest): Promise<void> {
    await this.auth.changePassword(req.principal!, dto.currentPassword, dto.newPassword, clientIp(req));
  }
}
