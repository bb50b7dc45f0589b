// The console's first script: small, a module script of its own ahead of the console's (vite.config.ts),
// so it runs once it and the stylesheets have arrived, not once every library has arrived and been evaluated.
// The requests a page opened directly waits for go out now, and the console's first identical
// requests take them over (src/api/http.ts); the page's own chunks start loading alongside the libraries.
import { prefetch } from '@/api/http';
import { prefetchClusterPage, prefetchTenantPage } from '@/features/db-sessions/api';
import { parseViewState, toSessionQuery } from '@/features/db-sessions/view-state';

// the sign-in check, which every page waits for
prefetch('/api/auth/me');

// a tenant's or a cluster's session page: the tenant or cluster and its list
const tenantPage = /^\/tenants\/(\d+)\/sessions\/?$/.exec(location.pathname);
const clusterPage = /^\/autonomous\/clusters\/(\d+)\/diagnosis\/?$/.exec(location.pathname);
const query = () => toSessionQuery(parseViewState(Object.fromEntries(new URLSearchParams(location.search))));
if (tenantPage) {
  prefetchTenantPage(Number(tenantPage[1]), query());
  // the router's lazy routes import the same modules, and take over these loads
  void import('@/features/tenants/TenantLayout.vue').catch(() => undefined);
  void import('@/features/tenants/TenantSessionsView.vue').catch(() => undefined);
} else if (clusterPage) {
  prefetchClusterPage(Number(clusterPage[1]), query());
  void import('@/features/autonomous/DiagnosisView.vue').catch(() => undefined);
}
