import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { User } from '../auth/user.entity';
import { AppError } from '../common/errors';
import type { Page } from '../common/pagination';
import { AppConfig, Edition } from '../config/config';
import { Actor, AdminChanges } from './admin-audit';
import { isDuplicateKey } from './admin.dto';
import { Grant } from './grant.entity';
import { ENTERPRISE_MENUS, MENUS, MenuKey } from './menus';
import { Role } from './role.entity';
import type { CreateRoleDto, RoleDto, UpdateRoleDto } from './roles.dto';

/** Menus that exist in an edition: the community edition has no Autonomous service. */
export function editionMenus(edition: Edition): MenuKey[] {
  return MENUS.filter((m) => edition !== 'community' || !ENTERPRISE_MENUS.includes(m));
}

/** Menus in the canonical order, each once. */
function canonicalMenus(menus: MenuKey[]): MenuKey[] {
  return MENUS.filter((m) => menus.includes(m));
}

function toRoleDto(r: Role, userCount: number): RoleDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    builtin: r.builtin,
    allAccess: r.allAccess,
    readOnly: r.readOnly,
    menus: canonicalMenus(r.menus),
    userCount,
  };
}

/** Roles: built-in ones are fixed; custom ones carry menus and optionally the read-only cap. */
@Injectable()
export class RolesService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Role) private readonly roleRepo: Repository<Role>,
    private readonly config: AppConfig,
    private readonly changes: AdminChanges,
  ) {}

  menus(): MenuKey[] {
    return editionMenus(this.config.edition);
  }

  async list(page: number, pageSize: number): Promise<Page<RoleDto>> {
    const [roles, total] = await this.roleRepo.findAndCount({ order: { id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize });
    const counts = await userCounts(
      this.ds.manager,
      roles.map((r) => r.id),
    );
    return { items: roles.map((r) => toRoleDto(r, counts.get(r.id) ?? 0)), total, page, pageSize };
  }

  async create(dto: CreateRoleDto, actor: Actor): Promise<RoleDto> {
    const menus = canonicalMenus(dto.menus);
    return this.changes.run(actor, { action: 'role.create', target: { role: dto.name, menus } }, async (em, entry) => {
      const repo = em.getRepository(Role);
      if (await repo.exists({ where: { name: dto.name } })) throw nameTaken(dto.name);
      let role: Role;
      try {
        role = await repo.save(
          repo.create({
            name: dto.name,
            description: dto.description ?? '',
            menus,
            readOnly: dto.readOnly ?? false,
            builtin: false,
            allAccess: false,
          }),
        );
      } catch (err) {
        if (isDuplicateKey(err)) throw nameTaken(dto.name);
        throw err;
      }
      entry.target = { roleId: role.id, role: role.name, menus, readOnly: role.readOnly };
      return toRoleDto(role, 0);
    });
  }

  async update(id: number, dto: UpdateRoleDto, actor: Actor): Promise<RoleDto> {
    return this.changes.run(actor, { action: 'role.update', target: { roleId: id } }, async (em, entry) => {
      const repo = em.getRepository(Role);
      const role = await lockCustomRole(em, id, entry);
      if (dto.name !== undefined && dto.name !== role.name) {
        // Names compare case-insensitively; renaming a role to another case of its own name is fine.
        const other = await repo.findOneBy({ name: dto.name });
        if (other && other.id !== id) throw nameTaken(dto.name);
      }
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      const next = {
        name: dto.name ?? role.name,
        description: dto.description ?? role.description,
        menus: dto.menus ? canonicalMenus(dto.menus) : canonicalMenus(role.menus),
        readOnly: dto.readOnly ?? role.readOnly,
      };
      if (next.name !== role.name) changed.name = { from: role.name, to: next.name };
      if (next.description !== role.description) changed.description = { from: role.description, to: next.description };
      if (next.menus.join(',') !== canonicalMenus(role.menus).join(','))
        changed.menus = { from: canonicalMenus(role.menus), to: next.menus };
      if (next.readOnly !== role.readOnly) changed.readOnly = { from: role.readOnly, to: next.readOnly };
      entry.target = { roleId: id, role: role.name, changed };
      try {
        await repo.update({ id }, next);
      } catch (err) {
        if (isDuplicateKey(err)) throw nameTaken(next.name);
        throw err;
      }
      const counts = await userCounts(em, [id]);
      return toRoleDto(await repo.findOneByOrFail({ id }), counts.get(id) ?? 0);
    });
  }

  /** Removes a custom role: its holders lose it at their next request, and its grants go with it. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.changes.run(actor, { action: 'role.delete', target: { roleId: id } }, async (em, entry) => {
      const role = await lockCustomRole(em, id, entry);
      const counts = await userCounts(em, [id]);
      const grants = await em.getRepository(Grant).delete({ subjectType: 'role', subjectId: id });
      entry.target = { roleId: id, role: role.name, users: counts.get(id) ?? 0, grantsRemoved: grants.affected ?? 0 };
      // user_roles rows go by ON DELETE CASCADE
      await em.getRepository(Role).delete({ id });
    });
  }
}

function nameTaken(name: string): AppError {
  return new AppError('NAME_TAKEN', `A role named "${name}" already exists`);
}

async function lockCustomRole(em: EntityManager, id: number, entry: { target: Record<string, unknown> }): Promise<Role> {
  const role = await em.getRepository(Role).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!role) throw new AppError('ROLE_NOT_FOUND', `Role ${id} does not exist`);
  entry.target = { roleId: id, role: role.name };
  if (role.builtin) throw new AppError('BUILTIN_ROLE', `"${role.name}" is a built-in role and cannot be changed or deleted`);
  return role;
}

async function userCounts(em: EntityManager, roleIds: number[]): Promise<Map<number, number>> {
  if (roleIds.length === 0) return new Map();
  const rows = await em
    .getRepository(User)
    .createQueryBuilder('u')
    .innerJoin('u.roles', 'r')
    .select('r.id', 'roleId')
    .addSelect('COUNT(DISTINCT u.id)', 'n')
    .where('r.id IN (:...roleIds)', { roleIds })
    .groupBy('r.id')
    .getRawMany<{ roleId: number | string; n: number | string }>();
  return new Map(rows.map((row) => [Number(row.roleId), Number(row.n)]));
}
