import type { Feature } from '@/app/feature';
import './i18n';

/** The tenant session table shared by the tenant entry (tenants) and the cluster entry (autonomous). */
const feature: Feature = { routes: [] };
export default feature;
