// The console's first script, small and evaluated before the console's own (which take 50–150 ms
// to evaluate): the requests a page opened directly waits for go out now, and the console's first
// identical requests take them over (src/api/http.ts).
import { prefetch } from '@/api/http';
import { prefetchClusterPage, prefetchTenantPage } from '@/features/db-sessions/api';
import { parseViewState, toSessionQuery } from '@/features/db-sessions/view-state';

// the sign-in check, which every page waits for
prefetch('/api/auth/me');

// a tenant's or a cluster's session page: the tenant or cluster and its list
const tenantPage = /^\/tenants\/(\d+)\/sessions\/?$/.exec(location.pathname);
const clusterPage = /^\/autonomous\/clusters\/(\d+)\/diagnosis\/?$/.exec(location.pathname);
const query = () => toSessionQuery(parseViewState(Object.fromEntries(new URLSearchParams(location.search))));
if (tenantPage) prefetchTenantPage(Number(tenantPage[1]), query());
else if (clusterPage) prefetchClusterPage(Number(clusterPage[1]), query());
