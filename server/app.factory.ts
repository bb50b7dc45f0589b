import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express from 'express';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { apiJsonParser } from './common/body-limits';
import { JsonLogger } from './common/logger';
import { requestIdMiddleware } from './common/request-context';
import { docsSignInRequired } from './access/docs-access';
import { AuthService } from './auth/auth.service';
import { noStoreForApi, securityHeaders } from './common/security-headers';
import { IMMUTABLE_CACHE, precompressedAssets } from './common/static-assets';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/config';
import { mountRelayFastPath } from './relay/gateway/relay-fast-path';
import { RelayGatewayService } from './relay/gateway/relay-gateway.service';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('SessionOps')
    .setDescription('Tenant and relay session administration. Mutating requests carry X-CSRF-Token.')
    .setVersion('1')
    .build();
  return SwaggerModule.createDocument(app, doc);
}

/** Where the built console lives: WEB_DIST, else dist/web (from dist/server or from the sources). */
function webDist(config: AppConfig): string | undefined {
  const candidates = [config.webDist, resolve(__dirname, '../web'), resolve(__dirname, '../dist/web')];
  // a build has its assets folder; the console's sources (web/index.html) do not count
  return candidates.find((d): d is string => d !== undefined && existsSync(join(d, 'index.html')) && existsSync(join(d, 'assets')));
}

/** Builds the whole application; main.ts and the tests both use it. */
export async function createApp(config: AppConfig, opts: { logger?: JsonLogger } = {}): Promise<NestExpressApplication> {
  const logger = opts.logger ?? new JsonLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  // X-Forwarded-For is believed only from the proxies named in TRUST_PROXY (none by default).
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);
  app.disable('x-powered-by');
  // No ETags: API answers are no-store, so hashing every JSON body (~250 kB for a page of 500
  // sessions) would only cost time; hashed assets never change and the console's HTML is
  // revalidated by Last-Modified.
  app.disable('etag');
  app.use(requestIdMiddleware);
  app.use(securityHeaders({ https: config.cookieSecure }));
  app.use(noStoreForApi);
  // JSON bodies for /api only, bounded; the relay (/v1) reads its body raw and forwards it byte for byte.
  app.use(apiJsonParser());
  app.use(cookieParser());
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'v1/messages', method: RequestMethod.POST },
      { path: 'v1/messages/count_tokens', method: RequestMethod.POST },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  if (!config.apiDocsPublic) app.use(['/api/docs', '/api/docs-json'], docsSignInRequired(app.get(AuthService)));
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs-json' });

  const dist = webDist(config);
  if (dist) {
    const files = express.static(dist, {
      index: false,
      // hashed assets never change; anything else (favicon...) is revalidated
      setHeaders: (res, path) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? IMMUTABLE_CACHE : 'no-cache'),
    });
    const assets = precompressedAssets(dist);
    // /api and /v1 stay with Nest and never touch the file system: a stat that fails on every API
    // request cost a thread-pool round trip and an error object each.
    const forNest = (req: express.Request) => req.path.startsWith('/api') || req.path.startsWith('/v1');
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (forNest(req)) return next();
      assets(req, res, (err?: unknown) => (err ? next(err) : files(req, res, next)));
    });
    // History-mode routes of the console. A missing file (a path ending in an extension, fetched as
    // an image or a script rather than opened as a page) gets 404, not the console's HTML.
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.method !== 'GET' || forNest(req)) return next();
      if (/\.[a-z0-9]+$/i.test(req.path) && !(req.headers.accept ?? '').includes('text/html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(dist, 'index.html'));
    });
  }
  await app.init();
  mountRelayFastPath(app.getHttpServer() as Server, app.get(RelayGatewayService));
  return app;
}

export async function closeApp(app: INestApplication): Promise<void> {
  const ds = app.get(DataSource);
  await app.close();
  if (ds.isInitialized) await ds.destroy();
}
