import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ConsoleSessionStore } from '../auth/console-session.store';
import { generatePassword, hashPassword } from '../auth/password';
import { User } from '../auth/user.entity';
import { AppError } from '../common/errors';
import type { Page } from '../common/pagination';
import { Actor, AdminChanges } from './admin-audit';
import { escapeLike, isDuplicateKey } from './admin.dto';
import { assertHoldsRoles, assertMayManageUser } from './escalation';
import { Role } from './role.entity';
import type { CreatedUserDto, CreateUserDto, UpdateUserDto, UserDto, UserQuery } from './users.dto';

export function toUserDto(u: User): UserDto {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    enabled: u.enabled,
    mustChangePassword: u.mustChangePassword,
    roles: [...(u.roles ?? [])].sort((a, b) => a.id - b.id).map((r) => ({ id: r.id, name: r.name })),
    createdAt: u.createdAt.toISOString(),
  };
}

const isAdmin = (enabled: boolean, roles: Role[]): boolean => enabled && roles.some((r) => r.allAccess);

/** Console accounts: create, change, disable, reset passwords. Never deleted, so the audit trail keeps its actors. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly userRepo: Repository<User>,
    private readonly sessions: ConsoleSessionStore,
    private readonly changes: AdminChanges,
  ) {}

  async list(q: UserQuery): Promise<Page<UserDto>> {
    const qb = this.userRepo
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.roles', 'r')
      .orderBy('u.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    if (q.q) qb.where('(u.username LIKE :q OR u.displayName LIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const [users, total] = await qb.getManyAndCount();
    return { items: users.map(toUserDto), total, page: q.page, pageSize: q.pageSize };
  }

  async create(dto: CreateUserDto, actor: Actor): Promise<CreatedUserDto> {
    const generated = dto.password === undefined ? generatePassword() : undefined;
    const passwordHash = await hashPassword(dto.password ?? generated!);
    return this.changes.run(actor, { action: 'user.create', target: { username: dto.username } }, async (em, entry) => {
      const roles = await rolesByIds(em, dto.roleIds);
      await assertHoldsRoles(em, actor.principal, roles);
      const repo = em.getRepository(User);
      if (await repo.exists({ where: { username: dto.username } })) throw nameTaken(dto.username);
      let id: number;
      try {
        ({ id } = await repo.save(
          repo.create({
            username: dto.username,
            displayName: dto.displayName ?? '',
            passwordHash,
            enabled: true,
            mustChangePassword: generated !== undefined || dto.mustChangePassword === true,
            roles,
          }),
        ));
      } catch (err) {
        if (isDuplicateKey(err)) throw nameTaken(dto.username);
        throw err;
      }
      entry.target = {
        userId: id,
        username: dto.username,
        displayName: dto.displayName ?? '',
        roles: roles.map((r) => r.name),
        passwordGenerated: generated !== undefined,
      };
      const user = toUserDto(await repo.findOneOrFail({ where: { id }, relations: { roles: true } }));
      return generated === undefined ? { user } : { user, initialPassword: generated };
    });
  }

  async update(id: number, dto: UpdateUserDto, actor: Actor): Promise<UserDto> {
    return this.changes.run(actor, { action: 'user.update', target: { userId: id } }, async (em, entry) => {
      const mayDemote = dto.enabled === false || dto.roleIds !== undefined;
      // Changes that could leave no administrator take turns on the administrator roles' rows.
      const adminRoles = mayDemote
        ? await em.getRepository(Role).find({ where: { allAccess: true }, lock: { mode: 'pessimistic_write' } })
        : [];
      const user = await lockUser(em, id);
      entry.target = { userId: id, username: user.username };
      await assertMayManageUser(em, actor.principal, user);
      const roles = dto.roleIds === undefined ? user.roles : await rolesByIds(em, dto.roleIds);
      const added = roles.filter((r) => !user.roles.some((had) => had.id === r.id));
      await assertHoldsRoles(em, actor.principal, added);
      const enabled = dto.enabled ?? user.enabled;
      if (isAdmin(user.enabled, user.roles) && !isAdmin(enabled, roles)) {
        await assertAnotherAdmin(em, user, adminRoles);
      }

      const changed: Record<string, { from: unknown; to: unknown }> = {};
      if (dto.displayName !== undefined && dto.displayName !== user.displayName) {
        changed.displayName = { from: user.displayName, to: dto.displayName };
      }
      if (enabled !== user.enabled) changed.enabled = { from: user.enabled, to: enabled };
      const before = user.roles.map((r) => r.name).sort();
      const after = roles.map((r) => r.name).sort();
      if (before.join('\n') !== after.join('\n')) changed.roles = { from: before, to: after };
      entry.target = { userId: id, username: user.username, changed };

      user.displayName = dto.displayName ?? user.displayName;
      user.enabled = enabled;
      user.roles = roles;
      await em.getRepository(User).save(user);
      // Ended before the commit: when Redis cannot be reached the change is not applied either.
      if (changed.enabled && !enabled) await this.sessions.destroyAll(id);
      return toUserDto(await em.getRepository(User).findOneOrFail({ where: { id }, relations: { roles: true } }));
    });
  }

  /** A new generated password that must be changed at next sign-in; the user's console sessions end. */
  async resetPassword(id: number, actor: Actor): Promise<{ initialPassword: string }> {
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    return this.changes.run(actor, { action: 'user.reset_password', target: { userId: id } }, async (em, entry) => {
      const user = await lockUser(em, id);
      entry.target = { userId: id, username: user.username };
      await assertMayManageUser(em, actor.principal, user);
      await em.getRepository(User).update({ id }, { passwordHash, mustChangePassword: true });
      await this.sessions.destroyAll(id);
      return { initialPassword };
    });
  }
}

function nameTaken(username: string): AppError {
  return new AppError('NAME_TAKEN', `The user name "${username}" is already taken`);
}

async function lockUser(em: EntityManager, id: number): Promise<User> {
  const repo = em.getRepository(User);
  const locked = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!locked) throw new AppError('USER_NOT_FOUND', `User ${id} does not exist`);
  return repo.findOneOrFail({ where: { id }, relations: { roles: true } });
}

/** The roles with these ids; ROLE_NOT_FOUND naming the first unknown one. */
export async function rolesByIds(em: EntityManager, ids: number[]): Promise<Role[]> {
  const unique = [...new Set(ids)];
  const roles = unique.length ? await em.getRepository(Role).findBy({ id: In(unique) }) : [];
  const missing = unique.filter((id) => !roles.some((r) => r.id === id));
  if (missing.length) {
    throw new AppError('ROLE_NOT_FOUND', `Role ${missing.join(', ')} does not exist`, { roleIds: missing });
  }
  return roles;
}

async function assertAnotherAdmin(em: EntityManager, user: User, adminRoles: Role[]): Promise<void> {
  const others = adminRoles.length
    ? await em
        .getRepository(User)
        .createQueryBuilder('u')
        .innerJoin('u.roles', 'r', 'r.id IN (:...adminRoleIds)', { adminRoleIds: adminRoles.map((r) => r.id) })
        .where('u.enabled = :enabled', { enabled: true })
        .andWhere('u.id <> :id', { id: user.id })
        .getCount()
    : 0;
  if (others === 0) {
    throw new AppError(
      'LAST_ADMIN',
      `"${user.username}" is the last enabled administrator; appoint or enable another administrator first`,
      { userId: user.id },
    );
  }
}
