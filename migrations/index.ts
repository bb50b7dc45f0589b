import { Init1764072000000 } from './1764072000000-init';
import { Tenants1764072100000 } from './1764072100000-tenants';
import { Relay1764072200000 } from './1764072200000-relay';

/** Every migration, oldest first. */
export const MIGRATIONS = [Init1764072000000, Tenants1764072100000, Relay1764072200000];
