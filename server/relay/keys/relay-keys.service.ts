import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import type { Principal } from '../../access/principal';
import { AuditService } from '../../audit/audit.service';
import { User } from '../../auth/user.entity';
import { AppError } from '../../common/errors';
import type { Page } from '../../common/pagination';
import { RelayKey } from './relay-key.entity';
import type { CreateRelayKeyDto, RelayKeyCreatedDto, RelayKeyDto, UpdateRelayKeyDto } from './relay-keys.dto';

export const KEY_SECRET_PREFIX = 'sk-so-';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The caller of the relay, as resolved from an API key. */
export interface RelayCaller {
  keyId: number;
  keyName: string;
  userId: number;
  userName: string;
}

/** How long a key lookup is reused: a disabled or deleted key stops working within this time. */
const KEY_CACHE_MS = 900;
/** Past this age a lookup is still served but refreshed in the background. */
const KEY_REFRESH_MS = 500;

interface CachedKey {
  at: number;
  caller: RelayCaller | null;
  expiresAt: number | null;
}

@Injectable()
export class RelayKeysService {
  private readonly repo: Repository<RelayKey>;
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<number, number>();
  /** hashes whose background refresh is running */
  private readonly refreshing = new Set<string>();
  /** bumped whenever a key changes here, so a lookup sent before the change is not cached */
  private generation = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {
    this.repo = ds.getRepository(RelayKey);
  }

  /** Hot path: the caller of a secret, or null (unknown, disabled, expired, owner disabled). */
  async authenticate(secret: string): Promise<RelayCaller | null> {
    if (!secret.startsWith(KEY_SECRET_PREFIX) || secret.length > 128) return null;
    const hash = hashSecret(secret);
    const now = Date.now();
    let hit = this.cache.get(hash);
    if (!hit || now - hit.at > KEY_CACHE_MS) {
      hit = await this.lookup(hash, now);
    } else if (now - hit.at > KEY_REFRESH_MS) {
      // refreshed in the background before it expires, so a busy key never waits for the database
      this.refresh(hash, now);
    }
    if (!hit.caller) return null;
    if (hit.expiresAt !== null && hit.expiresAt <= now) return null;
    this.touch(hit.caller.keyId, now);
    return hit.caller;
  }

  private async lookup(hash: string, now: number): Promise<CachedKey> {
    const generation = this.generation;
    const rows = await this.ds.query<{ id: number; name: string; user_id: number; username: string; expires_at: Date | null }[]>(
      `SELECT k.id, k.name, k.user_id, u.username, k.expires_at FROM relay_keys k JOIN users u ON u.id = k.user_id
       WHERE k.secret_hash = ? AND k.enabled = 1 AND u.enabled = 1`,
      [hash],
    );
    const row = rows[0];
    // stamped with the time the query was sent: the answer is never older than that
    const hit: CachedKey = {
      at: now,
      caller: row ? { keyId: row.id, keyName: row.name, userId: row.user_id, userName: row.username } : null,
      expiresAt: row?.expires_at ? new Date(row.expires_at).getTime() : null,
    };
    if (this.cache.size > 10000) this.cache.clear();
    // a change made here (disable, delete) clears the cache: an answer to a query sent before it is not kept
    if (generation === this.generation) this.cache.set(hash, hit);
    return hit;
  }

  private refresh(hash: string, now: number): void {
    if (this.refreshing.has(hash)) return;
    this.refreshing.add(hash);
    this.lookup(hash, now)
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(hash));
  }

  private forget(): void {
    this.generation += 1;
    this.cache.clear();
  }

  /** last_used_at, written at most once a minute per key and never awaited. */
  private touch(keyId: number, now: number): void {
    const last = this.lastUsedWrites.get(keyId) ?? 0;
    if (now - last < 60000) return;
    this.lastUsedWrites.set(keyId, now);
    this.repo.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }

  async list(p: Principal, page: number, pageSize: number, userId?: number): Promise<Page<RelayKeyDto>> {
    const qb = this.repo
      .createQueryBuilder('k')
      .innerJoin(User, 'u', 'u.id = k.user_id')
      .select(['k.id AS id', 'k.name AS name', 'k.prefix AS prefix', 'k.user_id AS userId', 'u.username AS userName'])
      .addSelect(['k.enabled AS enabled', 'k.expires_at AS expiresAt', 'k.created_at AS createdAt', 'k.last_used_at AS lastUsedAt'])
      .orderBy('k.id', 'ASC');
    if (!p.allAccess) qb.where('k.user_id = :uid', { uid: p.userId });
    else if (userId !== undefined) qb.where('k.user_id = :uid', { uid: userId });
    const total = await qb.getCount();
    const rows = await qb
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawMany<{
        id: number;
        name: string;
        prefix: string;
        userId: number;
        userName: string;
        enabled: number | boolean;
        expiresAt: Date | null;
        createdAt: Date;
        lastUsedAt: Date | null;
      }>();
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        name: r.name,
        prefix: r.prefix,
        userId: Number(r.userId),
        userName: r.userName,
        enabled: Boolean(Number(r.enabled)),
        expiresAt: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
        createdAt: new Date(r.createdAt).toISOString(),
        lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null,
      })),
      total,
      page,
      pageSize,
    };
  }

  async create(dto: CreateRelayKeyDto, p: Principal, ip: string): Promise<RelayKeyCreatedDto> {
    const userId = dto.userId ?? p.userId;
    if (userId !== p.userId && !p.allAccess) throw new AppError('PERMISSION_DENIED', 'Only an administrator creates keys for other users');
    const owner = await this.ds.getRepository(User).findOne({ where: { id: userId }, select: { id: true, username: true } });
    if (!owner) throw new AppError('USER_NOT_FOUND', `User ${userId} does not exist`);
    let expiresAt: Date | null = null;
    if (dto.expiresAt !== undefined) {
      expiresAt = new Date(dto.expiresAt);
      if (expiresAt.getTime() <= Date.now()) {
        throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', {
          fields: [{ field: 'expiresAt', problems: ['must be in the future'] }],
        });
      }
    }
    const secret = KEY_SECRET_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.repo.save(
      this.repo.create({ userId, name: dto.name, prefix: secret.slice(0, 12), secretHash: hashSecret(secret), enabled: true, expiresAt }),
    );
    await this.audit.record({ actor: p, ip, action: 'relay.key.create', result: 'ok', message: `key ${saved.id} for ${owner.username}` });
    const key = await this.view(saved.id, p);
    return { id: saved.id, name: saved.name, prefix: saved.prefix, secret, key };
  }

  private async mine(id: number, p: Principal): Promise<RelayKey> {
    const k = await this.repo.findOne({ where: { id } });
    // another user's key answers exactly like a missing one
    if (!k || (!p.allAccess && k.userId !== p.userId)) throw new AppError('RELAY_KEY_NOT_FOUND', `Relay key ${id} does not exist`);
    return k;
  }

  async view(id: number, p: Principal): Promise<RelayKeyDto> {
    const k = await this.mine(id, p);
    const owner = await this.ds.getRepository(User).findOne({ where: { id: k.userId }, select: { id: true, username: true } });
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      userId: k.userId,
      userName: owner?.username ?? '',
      enabled: k.enabled,
      expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
    };
  }

  async update(id: number, dto: UpdateRelayKeyDto, p: Principal, ip: string): Promise<RelayKeyDto> {
    const k = await this.mine(id, p);
    const patch: Partial<RelayKey> = {};
    if (dto.enabled !== undefined) patch.enabled = dto.enabled;
    if (dto.name !== undefined) patch.name = dto.name;
    if (Object.keys(patch).length > 0) await this.repo.update({ id: k.id }, patch);
    this.forget();
    const action = dto.enabled === false ? 'relay.key.disable' : dto.enabled === true ? 'relay.key.enable' : 'relay.key.update';
    await this.audit.record({ actor: p, ip, action, result: 'ok', message: `key ${k.id}` });
    return this.view(id, p);
  }

  async remove(id: number, p: Principal, ip: string): Promise<void> {
    const k = await this.mine(id, p);
    await this.repo.delete({ id: k.id });
    this.forget();
    await this.audit.record({ actor: p, ip, action: 'relay.key.delete', result: 'ok', message: `key ${k.id}` });
  }
}
