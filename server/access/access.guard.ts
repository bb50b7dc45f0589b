import type { AuditAction } from '../audit/audit-actions';
import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { AuthService } from '../auth/auth.service';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { registryVersionOfRequest, rememberTenant } from '../common/request-context';
import { Tenant } from '../tenants/tenant.entity';
import { Cluster } from '../tenants/cluster.entity';
import { ACCESS_KEY, AccessRequirement, ResourceRequirement } from './access.decorators';
import { levelOn, satisfies } from './permissions';
import { clientIp, Principal, PrincipalRequest } from './principal';

export const SESSION_COOKIE = 'so_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Deny by default: every route declares what it needs (`@Public`, `@Authenticated`, `@Menu`);
 * a route that declares nothing is refused. A tenant or cluster the caller may not read answers
 * exactly like one that does not exist.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('access');
  /** Tenant rows read by earlier requests, valid while the registry version is `rowsVersion`. */
  private readonly tenantRows = new Map<number, Tenant>();
  private rowsVersion: string | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    @InjectRepository(Tenant) private readonly tenantRepo: Repository<Tenant>,
    @InjectRepository(Cluster) private readonly clusterRepo: Repository<Cluster>,
    private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<PrincipalRequest>();
    const need = this.reflector.getAllAndOverride<AccessRequirement | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!need) {
      this.logger.error({ msg: 'route without access declaration refused', route: `${req.method} ${req.path}` });
      throw new AppError('ROUTE_NOT_DECLARED', 'This route declares no access rule and is refused');
    }
    if (need.kind === 'menu') req.auditAs = need.auditAs;
    if (need.kind === 'public') return true;

    // cookie-parser turns "j:{...}" cookies into objects: only a string is a token
    const token = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    const principal = typeof token === 'string' && token.length <= 128 ? await this.auth.principalFor(token) : null;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in first; the console session is missing or has expired');
    req.principal = principal;

    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.header('x-csrf-token');
      if (!sent || !sameToken(sent, principal.csrfToken)) {
        throw new AppError('CSRF_INVALID', 'Missing or invalid X-CSRF-Token header');
      }
    }
    if (principal.mustChangePassword && !(need.kind === 'authenticated' && need.allowPasswordChange)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Change the initial password before using the console');
    }
    if (need.kind === 'authenticated') return true;
    if (need.enterprise && this.config.edition === 'community') {
      throw new AppError('NOT_FOUND', `Cannot ${req.method} ${req.path}`);
    }

    if (!need.menus.some((m) => principal.menus.includes(m))) {
      await this.deny(req, principal, need.auditAs);
      throw new AppError('PERMISSION_DENIED', `This needs the menu permission ${need.menus.join(' or ')}`);
    }
    if (need.resource) {
      // Tenant administrators read every cluster and tenant of the registry they edit.
      const registryManager = need.menus.includes('admin.tenants') && (principal.allAccess || principal.menus.includes('admin.tenants'));
      await this.checkResource(req, principal, need.resource, need.auditAs, registryManager);
    }
    return true;
  }

  /**
   * A tenant row by id: reused from an earlier request while the registry version this request
   * read with its session is the one the row was read under (every change to a tenant's row moves
   * the version, on every instance; a cluster is deleted only once it holds no tenant); otherwise
   * read from the metadata database.
   */
  private async tenantRow(id: number): Promise<Tenant | null> {
    const version = registryVersionOfRequest();
    if (version === undefined) return this.tenantRepo.findOneBy({ id });
    if (version !== this.rowsVersion) {
      this.tenantRows.clear();
      this.rowsVersion = version;
    }
    const kept = this.tenantRows.get(id);
    if (kept) return kept;
    const t = await this.tenantRepo.findOneBy({ id });
    // only rows that exist are kept (ids that do not cannot fill the map), and only under the
    // version this request read, should another request have moved on meanwhile
    if (t && this.rowsVersion === version) this.tenantRows.set(id, t);
    return t;
  }

  private async checkResource(
    req: PrincipalRequest,
    p: Principal,
    r: ResourceRequirement,
    auditAs?: AuditAction,
    registryManager = false,
  ): Promise<void> {
    const raw = req.params[r.param];
    if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) {
      throw new AppError('VALIDATION_FAILED', `${r.param} must be a positive integer`, {
        fields: [{ field: r.param, problems: ['must be a positive integer'] }],
      });
    }
    const id = Number(raw);
    let clusterId: number | undefined;
    let tenantId: number | undefined;
    if (r.kind === 'tenant') {
      // the whole row: the handler reuses it rather than reading the tenant a second time
      const t = await this.tenantRow(id);
      if (t) {
        rememberTenant(t);
        clusterId = t.clusterId;
        tenantId = t.id;
      }
    } else {
      const c = await this.clusterRepo.findOne({ where: { id }, select: { id: true } });
      if (c) clusterId = c.id;
    }
    // made only when refused: an error records its stack when constructed
    const notFound = (): AppError =>
      r.kind === 'tenant'
        ? new AppError('TENANT_NOT_FOUND', `Tenant ${raw} does not exist`)
        : new AppError('CLUSTER_NOT_FOUND', `Cluster ${raw} does not exist`);
    if (clusterId === undefined) {
      const err = notFound();
      await this.deny(req, p, auditAs, 'not_found', err.code, { tenantId: r.kind === 'tenant' ? id : null });
      throw err;
    }
    // A cluster is visible when the caller may read it or one of its tenants.
    let level = levelOn(p, clusterId, tenantId);
    if (level === null && r.kind === 'cluster' && r.level === 'read_only') {
      const tenants = await this.tenantRepo.find({ where: { clusterId }, select: { id: true } });
      if (tenants.some((t) => levelOn(p, clusterId, t.id) !== null)) level = 'read_only';
    }
    if (level === null && registryManager && r.level === 'read_only') level = 'read_only';
    if (level === null) {
      const err = notFound();
      await this.deny(req, p, auditAs, 'not_found', err.code, { clusterId, tenantId });
      throw err;
    }
    if (!satisfies(level, r.level)) {
      await this.deny(req, p, auditAs, 'denied', 'PERMISSION_DENIED', { clusterId, tenantId });
      throw new AppError('PERMISSION_DENIED', `This needs ${r.level === 'operate' ? 'operate' : 'read-only'} permission on the ${r.kind}`);
    }
  }

  private async deny(
    req: PrincipalRequest,
    p: Principal,
    action: AuditAction | undefined,
    result: 'denied' | 'not_found' = 'denied',
    code = 'PERMISSION_DENIED',
    where: { clusterId?: number | null; tenantId?: number | null } = {},
  ): Promise<void> {
    if (!action) return;
    const body = req.body as { ids?: unknown } | undefined;
    const ids = Array.isArray(body?.ids) ? body.ids.slice(0, 20).join(',') : (req.params.sessionId ?? null);
    await this.audit.record({
      actor: p,
      ip: clientIp(req),
      action,
      result,
      errorCode: code,
      clusterId: where.clusterId ?? null,
      tenantId: where.tenantId ?? null,
      sessionId: typeof ids === 'string' ? ids.slice(0, 128) : null,
    });
  }
}
