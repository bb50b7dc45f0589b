import { computed, type ComputedRef } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import { OWN_KEYS, parseViewState, toQuery, type SessionViewState } from './view-state';

export interface SessionViewQuery {
  state: ComputedRef<SessionViewState>;
  /** changes some fields; any change but page/pageSize/refresh goes back to page 1 */
  update(patch: Partial<SessionViewState>): void;
}

/** Reads the view state from route.query and writes it back with router.replace. */
export function useSessionViewQuery(): SessionViewQuery {
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => parseViewState(route.query));

  function update(patch: Partial<SessionViewState>): void {
    const current = state.value;
    const next: SessionViewState = { ...current, ...patch };
    const filterChanged = (Object.keys(patch) as (keyof SessionViewState)[]).some(
      (k) => k !== 'page' && k !== 'pageSize' && k !== 'refresh' && patch[k] !== current[k],
    );
    if (filterChanged || (patch.pageSize !== undefined && patch.pageSize !== current.pageSize)) next.page = patch.page ?? 1;
    const query: LocationQueryRaw = {};
    for (const [k, v] of Object.entries(route.query)) if (!OWN_KEYS.includes(k)) query[k] = v;
    void router.replace({ query: { ...query, ...toQuery(next) } });
  }

  return { state, update };
}
