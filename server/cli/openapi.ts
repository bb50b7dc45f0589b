import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config';

interface Schema {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
  description?: string;
}

function tsType(s: Schema): string {
  let t: string;
  if (s.$ref) t = s.$ref.split('/').pop() ?? 'unknown';
  else if (s.allOf) t = s.allOf.map(tsType).join(' & ');
  else if (s.oneOf) t = s.oneOf.map(tsType).join(' | ');
  else if (s.enum) t = s.enum.map((v) => JSON.stringify(v)).join(' | ');
  else if (s.type === 'array') t = `${wrap(tsType(s.items ?? {}))}[]`;
  else if (s.type === 'integer' || s.type === 'number') t = 'number';
  else if (s.type === 'string') t = 'string';
  else if (s.type === 'boolean') t = 'boolean';
  else if (s.type === 'object' && s.properties) t = objectType(s, '');
  else if (s.type === 'object' && typeof s.additionalProperties === 'object') t = `Record<string, ${tsType(s.additionalProperties)}>`;
  else if (s.type === 'object') t = 'Record<string, unknown>';
  else t = 'unknown';
  return s.nullable ? `${t} | null` : t;
}

function wrap(t: string): string {
  return /[|&]/.test(t) ? `(${t})` : t;
}

function objectType(s: Schema, indent: string): string {
  const req = new Set(s.required ?? []);
  const lines = Object.entries(s.properties ?? {}).map(([k, v]) => {
    const doc = v.description ? `${indent}  /** ${v.description} */\n` : '';
    return `${doc}${indent}  ${k}${req.has(k) ? '' : '?'}: ${tsType(v)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** TypeScript types for every schema of the OpenAPI document, for the console. */
export function schemasToTs(doc: { components?: { schemas?: Record<string, Schema> } }): string {
  const out = ["// Generated from the server's OpenAPI document by `npm run api:types`. Do not edit.", ''];
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (s.type === 'object' || s.properties) out.push(`export interface ${name} ${objectType(s, '')}`, '');
    else out.push(`export type ${name} = ${tsType(s)};`, '');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const [jsonOut, tsOut] = process.argv.slice(2);
  if (!jsonOut || !tsOut) throw new Error('usage: openapi <openapi.json> <schema.ts>');
  const config = loadConfig(process.env, { needKey: false });
  // Preview mode maps routes without instantiating providers: no database or Redis needed.
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false });
  app.setGlobalPrefix('api');
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('SessionOps').setVersion('1').build());
  writeFileSync(jsonOut, JSON.stringify(doc, null, 2) + '\n');
  writeFileSync(tsOut, schemasToTs(doc as never));
  await app.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`openapi generation failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
