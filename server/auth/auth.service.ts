import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Grant } from '../access/grant.entity';
import { ENTERPRISE_MENUS, MENUS, MenuKey } from '../access/menus';
import type { Principal } from '../access/principal';
import { Role } from '../access/role.entity';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { ConsoleSessionStore } from './console-session.store';
import { LoginThrottle } from './login-throttle';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password';
import { User } from './user.entity';

export const ADMIN_USERNAME = 'admin';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('auth');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Role) private readonly roles: Repository<Role>,
    @InjectRepository(Grant) private readonly grants: Repository<Grant>,
    private readonly config: AppConfig,
    private readonly sessions: ConsoleSessionStore,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /** The first administrator: `admin`, with ADMIN_PASSWORD or a generated password shown once. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const adminRole = await this.roles.findOneByOrFail({ name: 'Administrator' });
    const given = this.config.adminPassword;
    const password = given ?? generatePassword();
    await this.users.save(
      this.users.create({
        username: ADMIN_USERNAME,
        displayName: 'Administrator',
        passwordHash: await hashPassword(password),
        mustChangePassword: given === undefined,
        roles: [adminRole],
      }),
    );
    if (given === undefined) {
      // Shown once on the terminal, never written to the structured log.
      process.stderr.write(`\n  SessionOps administrator created: user "admin", password "${password}" (change it at first login)\n\n`);
    }
    this.logger.log({ msg: 'administrator account created', username: ADMIN_USERNAME });
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; principal: Principal }> {
    const actor = { userId: null, username: username.slice(0, 64) };
    const wait = await this.throttle.retryAfter(username, ip);
    if (wait > 0) {
      await this.audit.record({ actor, ip, action: 'auth.login', result: 'denied', errorCode: 'LOGIN_THROTTLED' });
      throw new AppError('LOGIN_THROTTLED', `Too many failed sign-in attempts; try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
    const user = await this.users.findOneBy({ username });
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok) {
      await this.throttle.fail(username, ip);
      await this.audit.record({
        actor: user ? { userId: user.id, username: user.username } : actor,
        ip,
        action: 'auth.login',
        result: 'denied',
        errorCode: 'INVALID_CREDENTIALS',
      });
      throw new AppError('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    if (!user.enabled) {
      await this.audit.record({
        actor: { userId: user.id, username },
        ip,
        action: 'auth.login',
        result: 'denied',
        errorCode: 'ACCOUNT_DISABLED',
      });
      throw new AppError('ACCOUNT_DISABLED', 'This account is disabled; ask an administrator');
    }
    await this.throttle.succeed(username);
    const { token } = await this.sessions.create(user.id, ip);
    const principal = await this.principalFor(token);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'The session could not be established');
    await this.audit.record({ actor: { userId: user.id, username }, ip, action: 'auth.login', result: 'ok' });
    return { token, principal };
  }

  async logout(p: Principal, ip: string): Promise<void> {
    await this.sessions.destroy(p.sessionHash, p.userId);
    await this.audit.record({ actor: p, ip, action: 'auth.logout', result: 'ok' });
  }

  async changePassword(p: Principal, current: string, next: string, ip: string): Promise<void> {
    const user = await this.users.findOneByOrFail({ id: p.userId });
    if (!(await verifyPassword(user.passwordHash, current))) {
      await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'denied', errorCode: 'INVALID_CREDENTIALS' });
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
    }
    if (current === next) throw new AppError('VALIDATION_FAILED', 'The new password must differ from the current one');
    await this.users.update({ id: user.id }, { passwordHash: await hashPassword(next), mustChangePassword: false });
    await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'ok' });
  }

  /** Menus a set of roles opens in this edition. */
  menusOf(roles: Role[]): MenuKey[] {
    const all = roles.some((r) => r.allAccess);
    const granted = new Set<MenuKey>(all ? MENUS : roles.flatMap((r) => r.menus));
    if (this.config.edition === 'community') for (const m of ENTERPRISE_MENUS) granted.delete(m);
    return MENUS.filter((m) => granted.has(m));
  }

  /** The caller behind a session token, or null when the token, session or account is not valid. */
  async principalFor(token: string): Promise<Principal | null> {
    const found = await this.sessions.get(token);
    if (!found) return null;
    const user = await this.users.findOne({ where: { id: found.session.userId }, relations: { roles: true } });
    if (!user || !user.enabled) {
      await this.sessions.destroy(found.hash, found.session.userId);
      return null;
    }
    const roleIds = user.roles.map((r) => r.id);
    const grants = await this.grants.find({
      where: [
        { subjectType: 'user', subjectId: user.id },
        ...(roleIds.length ? [{ subjectType: 'role' as const, subjectId: In(roleIds) }] : []),
      ],
    });
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      mustChangePassword: user.mustChangePassword,
      roles: user.roles.map((r) => ({ id: r.id, name: r.name })),
      menus: this.menusOf(user.roles),
      allAccess: user.roles.some((r) => r.allAccess),
      readOnly: user.roles.some((r) => r.readOnly) && !user.roles.some((r) => r.allAccess),
      grants: grants.map((g) => ({ scope: g.scope, resourceId: g.resourceId, level: g.level })),
      sessionHash: found.hash,
      csrfToken: found.session.csrfToken,
    };
  }
}
