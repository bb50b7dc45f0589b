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
import { ConsoleSession, ConsoleSessionStore } from './console-session.store';
import { PrincipalVersion, RegistryVersion } from '../common/redis-version';
import { rememberRegistryVersion } from '../common/request-context';
import { canonicalUsername, throttleName } from './username';
import { LoginThrottle } from './login-throttle';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password';
import { User } from './user.entity';

export const ADMIN_USERNAME = 'admin';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('auth');
  private readonly cache = new PrincipalCache(10000);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Role) private readonly roles: Repository<Role>,
    @InjectRepository(Grant) private readonly grants: Repository<Grant>,
    private readonly config: AppConfig,
    private readonly sessions: ConsoleSessionStore,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly version: PrincipalVersion,
    private readonly registry: RegistryVersion,
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
    // One canonical name for the lookup, the throttle and the audit trail.
    const name = canonicalUsername(username);
    const actor = { userId: null, username: name.slice(0, 64) };
    const wait = await this.throttle.retryAfter(throttleName(username), ip);
    if (wait > 0) {
      await this.audit.record({ actor, ip, action: 'auth.login', result: 'denied', errorCode: 'LOGIN_THROTTLED' });
      throw new AppError('LOGIN_THROTTLED', `Too many failed sign-in attempts; try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
    const found = await this.users.findOneBy({ username: name });
    // The column's collation folds accents and widths; only the exact canonical name is this account.
    const user = found && found.username === name ? found : null;
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok || !user.enabled) {
      // A disabled account answers exactly like a wrong password; the audit row tells the reason.
      await this.throttle.fail(throttleName(username), ip);
      const code = user && ok ? 'ACCOUNT_DISABLED' : 'INVALID_CREDENTIALS';
      await this.audit.record({
        actor: user ? { userId: user.id, username: user.username } : actor,
        ip,
        action: 'auth.login',
        result: 'denied',
        errorCode: code,
      });
      throw new AppError('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await this.throttle.succeed(throttleName(username));
    const { token } = await this.sessions.create(user.id, ip);
    const principal = await this.principalFor(token);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'The session could not be established');
    await this.audit.record({ actor: { userId: user.id, username: user.username }, ip, action: 'auth.login', result: 'ok' });
    return { token, principal };
  }

  async logout(p: Principal, ip: string): Promise<void> {
    await this.sessions.destroy(p.sessionHash, p.userId);
    this.cache.delete(p.sessionHash);
    await this.audit.record({ actor: p, ip, action: 'auth.logout', result: 'ok' });
  }

  /** Wrong current passwords count like failed sign-ins; a change ends the user's other console sessions. */
  async changePassword(p: Principal, current: string, next: string, ip: string): Promise<void> {
    // Upper case never survives canonicalUsername(), so no sign-in name shares this count.
    const throttleKey = `#PASSWORD:${p.userId}`;
    const wait = await this.throttle.retryAfter(throttleKey, ip);
    if (wait > 0) {
      await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'denied', errorCode: 'LOGIN_THROTTLED' });
      throw new AppError('LOGIN_THROTTLED', `Too many wrong passwords; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    const user = await this.users.findOneByOrFail({ id: p.userId });
    if (!(await verifyPassword(user.passwordHash, current))) {
      await this.throttle.fail(throttleKey, ip);
      await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'denied', errorCode: 'INVALID_CREDENTIALS' });
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
    }
    if (current === next) {
      await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'failed', errorCode: 'VALIDATION_FAILED' });
      throw new AppError('VALIDATION_FAILED', 'The new password must differ from the current one');
    }
    await this.throttle.succeed(throttleKey);
    await this.version.around(async () => {
      await this.users.update({ id: user.id }, { passwordHash: await hashPassword(next), mustChangePassword: false });
      await this.sessions.destroyAll(user.id, p.sessionHash);
    });
    await this.audit.record({ actor: p, ip, action: 'auth.password', result: 'ok' });
  }

  /** Menus a set of roles opens in this edition. */
  menusOf(roles: Role[]): MenuKey[] {
    const all = roles.some((r) => r.allAccess);
    const granted = new Set<MenuKey>(all ? MENUS : roles.flatMap((r) => r.menus));
    if (this.config.edition === 'community') for (const m of ENTERPRISE_MENUS) granted.delete(m);
    return MENUS.filter((m) => granted.has(m));
  }

  /**
   * The caller behind a session token, or null when the token, session or account is not valid.
   * One Redis round trip per request (the session and the principal and registry versions; the
   * latter is kept for the access check's tenant rows); the metadata database only when this
   * instance has no principal for the session under the current version.
   */
  async principalFor(token: string): Promise<Principal | null> {
    const { found, extra } = await this.sessions.getWith(token, [this.version.key, this.registry.key]);
    if (!found) return null;
    const version = extra[0] ?? '0';
    rememberRegistryVersion(extra[1] ?? '0');
    const cached = this.cache.get(found.hash);
    if (cached && cached.version === version && cached.principal.userId === found.session.userId) return cached.principal;
    const principal = await this.loadPrincipal(found.hash, found.session);
    if (!principal) {
      this.cache.delete(found.hash);
      return null;
    }
    this.cache.set(found.hash, { version, principal });
    return principal;
  }

  private async loadPrincipal(hash: string, session: ConsoleSession): Promise<Principal | null> {
    const user = await this.users.findOne({ where: { id: session.userId }, relations: { roles: true } });
    if (!user || !user.enabled) {
      await this.sessions.destroy(hash, session.userId);
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
      sessionHash: hash,
      csrfToken: session.csrfToken,
    };
  }
}

/** Principals per console session on this instance, each with the version it was loaded under. */
class PrincipalCache {
  private readonly entries = new Map<string, { version: string; principal: Principal }>();
  constructor(private readonly max: number) {}

  get(hash: string): { version: string; principal: Principal } | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, value: { version: string; principal: Principal }): void {
    this.entries.delete(hash);
    this.entries.set(hash, value);
    // Map keeps insertion order: the first key is the least recently loaded.
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }
}
