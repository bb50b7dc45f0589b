import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { Principal } from '../../access/principal';
import { AuditService } from '../../audit/audit.service';
import { AppError } from '../../common/errors';
import { CredentialVault } from '../../tenants/credential-vault';
import { RelaySessionTracker } from '../sessions/relay-session.tracker';
import { RelayProvider } from './relay-provider.entity';
import type { CreateRelayProviderDto, RelayProviderDto, RelayProviderListDto, UpdateRelayProviderDto } from './relay-providers.dto';

/** A provider as the gateway uses it: the key opened, the URL parsed. */
export interface UpstreamProvider {
  id: number;
  name: string;
  url: URL;
  apiKey: string;
  priority: number;
  weight: number;
  models: string[];
  maxSessions: number;
  enabled: boolean;
}

/** How long the gateway reuses the provider list: edits take effect within this time. */
const PROVIDER_CACHE_MS = 1000;
/** Past this age the list is still served but reloaded in the background. */
const PROVIDER_REFRESH_MS = 500;

function parseModels(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}

function isDuplicate(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string }).code === 'ER_DUP_ENTRY';
}

@Injectable()
export class RelayProvidersService {
  private readonly repo: Repository<RelayProvider>;
  private cache: { at: number; list: Promise<UpstreamProvider[]> } | undefined;
  private refreshing = false;
  /** bumped when a provider changes here, so a reload started before the change is dropped */
  private generation = 0;

  constructor(
    ds: DataSource,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
    private readonly tracker: RelaySessionTracker,
  ) {
    this.repo = ds.getRepository(RelayProvider);
  }

  /** Every provider (enabled or not), cached for about a second. */
  all(): Promise<UpstreamProvider[]> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > PROVIDER_CACHE_MS) {
      this.cache = this.load(now);
    } else if (now - this.cache.at > PROVIDER_REFRESH_MS && !this.refreshing) {
      // reloaded in the background before it expires, so a busy relay never waits for the database
      const next = this.load(now);
      this.refreshing = true;
      const generation = this.generation;
      next.list.then(
        () => {
          this.refreshing = false;
          if (generation === this.generation) this.cache = next;
        },
        () => (this.refreshing = false),
      );
      return this.cache.list;
    }
    return this.cache.list;
  }

  private load(now: number): { at: number; list: Promise<UpstreamProvider[]> } {
    const list = this.repo.find({ order: { id: 'ASC' } }).then((rows) =>
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        url: new URL(r.baseUrl),
        apiKey: this.vault.open(r.apiKeyEnc),
        priority: r.priority,
        weight: r.weight,
        models: parseModels(r.models),
        maxSessions: r.maxSessions,
        enabled: r.enabled,
      })),
    );
    const entry = { at: now, list };
    list.catch(() => {
      if (this.cache === entry) this.cache = undefined;
    });
    return entry;
  }

  invalidate(): void {
    this.generation += 1;
    this.cache = undefined;
  }

  async list(): Promise<RelayProviderListDto> {
    const rows = await this.repo.find({ order: { priority: 'DESC', id: 'ASC' } });
    let circuits = new Map<number, 'closed' | 'open' | 'half_open'>();
    let active = new Map<number, number>();
    try {
      [circuits, active] = await Promise.all([this.tracker.circuits(), this.tracker.activeSessionsOf(rows.map((r) => r.id))]);
    } catch {
      // Redis unavailable: circuits unknown (shown closed), sessions -1
      active = new Map(rows.map((r) => [r.id, -1]));
    }
    const items = rows.map((r) => this.toDto(r, circuits.get(r.id) ?? 'closed', active.get(r.id) ?? 0));
    return { items, total: items.length, page: 1, pageSize: Math.max(items.length, 1) };
  }

  private toDto(r: RelayProvider, circuit: 'closed' | 'open' | 'half_open', activeSessions: number): RelayProviderDto {
    return {
      id: r.id,
      name: r.name,
      baseUrl: r.baseUrl,
      hasApiKey: r.apiKeyEnc !== '',
      priority: r.priority,
      weight: r.weight,
      models: parseModels(r.models),
      maxSessions: r.maxSessions,
      enabled: r.enabled,
      circuit,
      activeSessions,
    };
  }

  private async one(id: number): Promise<RelayProvider> {
    const r = await this.repo.findOne({ where: { id } });
    if (!r) throw new AppError('RELAY_PROVIDER_NOT_FOUND', `Relay provider ${id} does not exist`);
    return r;
  }

  async get(id: number): Promise<RelayProviderDto> {
    const r = await this.one(id);
    return (await this.list()).items.find((p) => p.id === r.id)!;
  }

  async create(dto: CreateRelayProviderDto, p: Principal, ip: string): Promise<RelayProviderDto> {
    let saved: RelayProvider;
    try {
      saved = await this.repo.save(
        this.repo.create({
          name: dto.name,
          baseUrl: dto.baseUrl.replace(/\/+$/, ''),
          apiKeyEnc: this.vault.seal(dto.apiKey),
          priority: dto.priority ?? 0,
          weight: dto.weight ?? 1,
          models: JSON.stringify([...new Set(dto.models ?? [])]),
          maxSessions: dto.maxSessions ?? 0,
          enabled: dto.enabled ?? true,
        }),
      );
    } catch (err) {
      if (isDuplicate(err)) throw new AppError('NAME_TAKEN', `A provider named ${dto.name} exists already`);
      throw err;
    }
    this.invalidate();
    await this.audit.record({ actor: p, ip, action: 'relay.provider.create', result: 'ok', message: `provider ${saved.id} ${saved.name}` });
    return this.get(saved.id);
  }

  async update(id: number, dto: UpdateRelayProviderDto, p: Principal, ip: string): Promise<RelayProviderDto> {
    const r = await this.one(id);
    const patch: Partial<RelayProvider> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.baseUrl !== undefined) patch.baseUrl = dto.baseUrl.replace(/\/+$/, '');
    if (dto.apiKey !== undefined) patch.apiKeyEnc = this.vault.seal(dto.apiKey);
    if (dto.priority !== undefined) patch.priority = dto.priority;
    if (dto.weight !== undefined) patch.weight = dto.weight;
    if (dto.models !== undefined) patch.models = JSON.stringify([...new Set(dto.models)]);
    if (dto.maxSessions !== undefined) patch.maxSessions = dto.maxSessions;
    if (dto.enabled !== undefined) patch.enabled = dto.enabled;
    try {
      if (Object.keys(patch).length > 0) await this.repo.update({ id: r.id }, patch);
    } catch (err) {
      if (isDuplicate(err)) throw new AppError('NAME_TAKEN', `A provider named ${dto.name} exists already`);
      throw err;
    }
    this.invalidate();
    await this.audit.record({ actor: p, ip, action: 'relay.provider.update', result: 'ok', message: `provider ${r.id}` });
    return this.get(r.id);
  }

  async remove(id: number, p: Principal, ip: string): Promise<void> {
    const r = await this.one(id);
    await this.repo.delete({ id: r.id });
    this.invalidate();
    await this.audit.record({ actor: p, ip, action: 'relay.provider.delete', result: 'ok', message: `provider ${r.id} ${r.name}` });
  }
}
