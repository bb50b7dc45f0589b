import { Module } from '@nestjs/common';
import { CredentialVault } from '../tenants/credential-vault';
import { RelayGatewayController } from './gateway/relay-gateway.controller';
import { RelayGatewayService } from './gateway/relay-gateway.service';
import { RelayKeysController } from './keys/relay-keys.controller';
import { RelayKeysService } from './keys/relay-keys.service';
import { RelayProvidersController } from './providers/relay-providers.controller';
import { RelayProvidersService } from './providers/relay-providers.service';
import { RelayRedis } from './sessions/relay-redis';
import { RelaySessionTerminator } from './sessions/relay-session.terminator';
import { RelaySessionTracker } from './sessions/relay-session.tracker';

/** The relay: keys, providers, the /v1/messages gateway and the Redis session store. */
@Module({
  controllers: [RelayKeysController, RelayProvidersController, RelayGatewayController],
  providers: [
    CredentialVault,
    RelayRedis,
    RelaySessionTracker,
    RelaySessionTerminator,
    RelayKeysService,
    RelayProvidersService,
    RelayGatewayService,
  ],
  exports: [RelayRedis, RelaySessionTerminator, RelaySessionTracker, RelayKeysService, RelayProvidersService, RelayGatewayService],
})
export class RelayModule {}
