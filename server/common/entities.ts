import { Grant } from '../access/grant.entity';
import { Role } from '../access/role.entity';
import { AuditEntry } from '../audit/audit.entity';
import { User } from '../auth/user.entity';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Every TypeORM entity of the metadata database. */
export const ENTITIES = [User, Role, Grant, AuditEntry, Cluster, Tenant];
