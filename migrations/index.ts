import { Init1764072000000 } from './1764072000000-init';
import { Tenants1764072100000 } from './1764072100000-tenants';
import { Relay1764072200000 } from './1764072200000-relay';
import { CanonicalUsernames1764500000000 } from './1764500000000-canonical-usernames';

/** Every migration, oldest first. */
export const MIGRATIONS = [Init1764072000000, Tenants1764072100000, Relay1764072200000, CanonicalUsernames1764500000000];
