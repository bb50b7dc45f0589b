import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { ApiError } from '@/api/http';
import {
  MAX_KILL_BATCH,
  sessionsApi,
  type ClusterSessionError,
  type ClusterTenantRef,
  type KillOutcome,
  type KillScope,
  type SessionQuery,
  type SessionRow,
} from './api';

export type SessionScope = { kind: 'tenant'; tenantId: number } | { kind: 'cluster'; clusterId: number };

/** A listed session: the server row plus a key unique across the tenants of a cluster. */
export interface SessionItem extends SessionRow {
  key: string;
  tenantName?: string;
}

export interface KillResultRow {
  key: string;
  id: string;
  tenantId: number;
  tenantName?: string;
  user: string;
  source: string;
  outcome: KillOutcome;
  code?: string;
  message?: string;
}

/** performance.measure name written each time a list arrives and its rows are painted */
export const PAINT_MEASURE = 'db-sessions:paint';
export const DATA_MARK = 'db-sessions:data';

export function sessionKey(tenantId: number, id: string): string {
  return `${tenantId}:${id}`;
}

function scopeId(scope: SessionScope): string {
  return scope.kind === 'tenant' ? `db-sessions/tenant/${scope.tenantId}` : `db-sessions/cluster/${scope.clusterId}`;
}

function errorMessage(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'ERROR', message: err instanceof Error ? err.message : String(err) };
}

function defineSessionListStore(id: string, scope: SessionScope) {
  return defineStore(id, () => {
    /** replaced as a whole on every load, never deep-reactive: 10,000 rows stay cheap */
    const rows = shallowRef<readonly SessionItem[]>([]);
    const total = ref(0);
    const fetchedAt = ref<string | null>(null);
    const errors = shallowRef<readonly ClusterSessionError[]>([]);
    const tenants = shallowRef<readonly ClusterTenantRef[]>([]);
    const loading = ref(false);
    const loaded = ref(false);
    const error = shallowRef<{ code: string; message: string } | null>(null);
    /** keys of the selected rows; kept across refreshes while the rows are still listed */
    const selected = shallowRef<ReadonlySet<string>>(new Set());
    /** performance.now() of the latest data arrival */
    const arrivedAt = ref(0);
    /** bumps with every successful load */
    const version = ref(0);
    let seq = 0;

    function accept(items: SessionItem[]): void {
      arrivedAt.value = performance.now();
      performance.clearMarks(DATA_MARK);
      performance.mark(DATA_MARK, { detail: { rows: items.length } });
      if (selected.value.size > 0) {
        const keys = new Set<string>();
        for (const r of items) if (selected.value.has(r.key)) keys.add(r.key);
        if (keys.size !== selected.value.size) selected.value = keys;
      }
      rows.value = items;
      loaded.value = true;
      version.value++;
    }

    async function load(q: SessionQuery): Promise<void> {
      const mine = ++seq;
      loading.value = true;
      try {
        if (scope.kind === 'tenant') {
          const res = await sessionsApi.listTenant(scope.tenantId, q);
          if (mine !== seq) return;
          const items = res.items as SessionItem[];
          for (const r of items) r.key = r.id;
          total.value = res.total;
          fetchedAt.value = res.fetchedAt ?? new Date().toISOString();
          errors.value = [];
          error.value = null;
          accept(items);
        } else {
          const res = await sessionsApi.listCluster(scope.clusterId, q);
          if (mine !== seq) return;
          const items = res.items as SessionItem[];
          for (const r of items) r.key = sessionKey(r.tenantId, r.id);
          total.value = res.total;
          fetchedAt.value = res.fetchedAt ?? new Date().toISOString();
          errors.value = res.errors ?? [];
          if (res.tenants) tenants.value = res.tenants;
          error.value = null;
          accept(items);
        }
      } catch (err) {
        if (mine !== seq) return;
        error.value = errorMessage(err);
        throw err;
      } finally {
        if (mine === seq) loading.value = false;
      }
    }

    function setSelected(keys: Iterable<string>): void {
      selected.value = new Set(keys);
    }

    function toggle(key: string, on: boolean): void {
      const next = new Set(selected.value);
      if (on) next.add(key);
      else next.delete(key);
      selected.value = next;
    }

    /** Kills per tenant (requests of at most MAX_KILL_BATCH ids, concurrently), sending what the table showed as `expect`. */
    async function kill(targets: readonly SessionItem[], killScope: KillScope): Promise<KillResultRow[]> {
      const byTenant = new Map<number, SessionItem[]>();
      for (const t of targets) {
        const list = byTenant.get(t.tenantId) ?? [];
        list.push(t);
        byTenant.set(t.tenantId, list);
      }
      const batches: [number, SessionItem[]][] = [];
      for (const [tenantId, list] of byTenant) {
        for (let i = 0; i < list.length; i += MAX_KILL_BATCH) batches.push([tenantId, list.slice(i, i + MAX_KILL_BATCH)]);
      }
      const parts = await Promise.all(
        batches.map(async ([tenantId, list]): Promise<KillResultRow[]> => {
          const expect: Record<string, { user: string; source: string }> = {};
          for (const s of list) expect[s.id] = { user: s.user, source: s.source };
          const base = (s: SessionItem) => ({ key: s.key, id: s.id, tenantId, tenantName: s.tenantName, user: s.user, source: s.source });
          try {
            const res = await sessionsApi.kill(
              tenantId,
              list.map((s) => s.id),
              killScope,
              expect,
            );
            const byId = new Map(res.results.map((r) => [r.id, r]));
            return list.map((s) => {
              const r = byId.get(s.id);
              return r ? { ...base(s), outcome: r.outcome, code: r.code, message: r.message } : { ...base(s), outcome: 'failed' as const };
            });
          } catch (err) {
            const e = errorMessage(err);
            return list.map((s) => ({ ...base(s), outcome: 'failed' as const, code: e.code, message: e.message }));
          }
        }),
      );
      const results = parts.flat();
      const done = new Set(results.filter((r) => r.outcome === 'killed' || r.outcome === 'not_found').map((r) => r.key));
      if (done.size > 0 && killScope === 'session') setSelected([...selected.value].filter((k) => !done.has(k)));
      return results;
    }

    return {
      rows,
      total,
      fetchedAt,
      errors,
      tenants,
      loading,
      loaded,
      error,
      selected,
      arrivedAt,
      version,
      load,
      setSelected,
      toggle,
      kill,
    };
  });
}

type StoreDefinition = ReturnType<typeof defineSessionListStore>;
const definitions = new Map<string, StoreDefinition>();

/** The session list of one tenant or one cluster; each scope has a store of its own. */
export function useSessionListStore(scope: SessionScope): ReturnType<StoreDefinition> {
  const id = scopeId(scope);
  let def = definitions.get(id);
  if (!def) {
    def = defineSessionListStore(id, scope);
    definitions.set(id, def);
  }
  return def();
}

export type SessionListStore = ReturnType<typeof useSessionListStore>;
