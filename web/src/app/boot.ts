// The console's first script, small and evaluated before the console's own (which take 50–150 ms
// to evaluate): the requests a page opened directly waits for go out now, and the console's first
// identical requests take them over (src/api/http.ts).
import { prefetch } from '@/api/http';
import { prefetchTenantPage } from '@/features/db-sessions/api';
import { parseViewState, toSessionQuery } from '@/features/db-sessions/view-state';

// the sign-in check, which every page waits for
prefetch('/api/auth/me');

// a tenant's session page: the tenant and its list
const direct = /^\/tenants\/(\d+)\/sessions\/?$/.exec(location.pathname);
if (direct) {
  const query = Object.fromEntries(new URLSearchParams(location.search));
  prefetchTenantPage(Number(direct[1]), toSessionQuery(parseViewState(query)));
}
