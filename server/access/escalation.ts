import { EntityManager, In } from 'typeorm';
import { User } from '../auth/user.entity';
import { AppError } from '../common/errors';
import { Tenant } from '../tenants/tenant.entity';
import { Grant } from './grant.entity';
import { levelOn, satisfies } from './permissions';
import type { Principal } from './principal';
import type { Role } from './role.entity';

/**
 * No one hands out what they do not hold: a role, a menu or a grant. Only an Administrator
 * assigns the Administrator role, grants `all`, or acts on an Administrator's account; anyone
 * else may only change or reset the password of accounts whose privileges they hold themselves
 * (a password they reset is a way into that account). Refusals are PERMISSION_DENIED, which the
 * administrative change records as denied.
 */
function denied(message: string, details?: unknown): AppError {
  return new AppError('PERMISSION_DENIED', message, details);
}

type GrantLike = Pick<Grant, 'scope' | 'resourceId' | 'level'>;

/** Whether the caller holds a grant at least as strong as `g` on the same resource. */
async function holdsGrant(em: EntityManager, p: Principal, g: GrantLike): Promise<boolean> {
  if (p.allAccess) return true;
  switch (g.scope) {
    case 'all':
      return false;
    case 'cluster':
      return satisfies(levelOn(p, g.resourceId), g.level);
    case 'tenant': {
      const t = await em.getRepository(Tenant).findOne({ where: { id: g.resourceId }, select: { id: true, clusterId: true } });
      return t !== null && satisfies(levelOn(p, t.clusterId, t.id), g.level);
    }
  }
}

export async function assertMayGrant(em: EntityManager, p: Principal, g: GrantLike): Promise<void> {
  if (p.allAccess) return;
  if (g.scope === 'all') throw denied('Only an Administrator grants access to all clusters');
  if (!(await holdsGrant(em, p, g))) {
    throw denied(
      `You can only grant or revoke ${g.level === 'operate' ? 'operate' : 'read-only'} access you hold yourself on that ${g.scope}`,
    );
  }
}

function assertMenusHeld(p: Principal, menus: readonly string[], what: string): void {
  const missing = menus.filter((m) => !(p.menus as string[]).includes(m));
  if (missing.length) throw denied(`${what} carries menu permissions you do not hold: ${missing.join(', ')}`, { menus: missing });
}

/** The caller holds every menu of the roles and every grant given to them. */
export async function assertHoldsRoles(em: EntityManager, p: Principal, roles: Role[], what = 'The role'): Promise<void> {
  if (p.allAccess) return;
  for (const r of roles) {
    if (r.allAccess) throw denied('Only an Administrator assigns or changes the Administrator role');
    assertMenusHeld(p, r.menus, `${what} "${r.name}"`);
  }
  if (!roles.length) return;
  const grants = await em.getRepository(Grant).find({ where: { subjectType: 'role', subjectId: In(roles.map((r) => r.id)) } });
  for (const g of grants) {
    if (!(await holdsGrant(em, p, g))) throw denied(`${what} carries resource grants you do not hold`);
  }
}

export function assertMayGiveMenus(p: Principal, menus: readonly string[]): void {
  if (p.allAccess) return;
  assertMenusHeld(p, menus, 'The role');
}

/** The caller may change (or reset the password of) this account: they hold all it holds. */
export async function assertMayManageUser(em: EntityManager, p: Principal, user: User): Promise<void> {
  if (p.allAccess) return;
  const roles = user.roles ?? [];
  if (roles.some((r) => r.allAccess)) throw denied('Only an Administrator changes an Administrator’s account or password');
  await assertHoldsRoles(em, p, roles, 'The account’s role');
  const own = await em.getRepository(Grant).find({ where: { subjectType: 'user', subjectId: user.id } });
  for (const g of own) {
    if (!(await holdsGrant(em, p, g))) throw denied('The account holds resource grants you do not hold');
  }
}
