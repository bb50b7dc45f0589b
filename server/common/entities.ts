import { Grant } from '../access/grant.entity';
import { Role } from '../access/role.entity';
import { AuditEntry } from '../audit/audit.entity';
import { User } from '../auth/user.entity';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import { RelayKey } from '../relay/keys/relay-key.entity';
import { RelayProvider } from '../relay/providers/relay-provider.entity';

/** Every TypeORM entity of the metadata database. */
export const ENTITIES = [User, Role, Grant, AuditEntry, Cluster, Tenant, RelayKey, RelayProvider];
