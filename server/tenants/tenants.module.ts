import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Cluster } from './cluster.entity';
import { ClustersController } from './clusters.controller';
import { ClustersService } from './clusters.service';
import { CredentialVault } from './credential-vault';
import { TenantHealthMonitor } from './tenant-health.monitor';
import { OwnConnections } from './own-connections';
import { TenantPools } from './tenant-pools';
import { TenantProbe } from './tenant-probe';
import { TenantsController } from './tenants.controller';
import { Tenant } from './tenant.entity';
import { TenantsService } from './tenants.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, Cluster])],
  controllers: [ClustersController, TenantsController],
  providers: [ClustersService, TenantsService, CredentialVault, OwnConnections, TenantPools, TenantProbe, TenantHealthMonitor],
  exports: [TenantsService, TenantPools, CredentialVault],
})
export class TenantsModule {}
