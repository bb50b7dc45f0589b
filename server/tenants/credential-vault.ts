import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';

const VERSION = 'v1';

/** AES-256-GCM: `v1:<base64(iv | tag | ciphertext)>`. */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function unseal(key: Buffer, sealed: string): string {
  const [version, payload] = sealed.split(':', 2);
  if (version !== VERSION || !payload) throw new Error('unknown credential format');
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Tenant and cluster credentials at rest, sealed under MASTER_KEY; plaintext never leaves the server. */
@Injectable()
export class CredentialVault {
  constructor(private readonly config: AppConfig) {}

  seal(plain: string): string {
    return seal(this.config.masterKey, plain);
  }

  open(sealed: string): string {
    try {
      return unseal(this.config.masterKey, sealed);
    } catch {
      throw new AppError('CREDENTIAL_UNREADABLE', 'A stored credential cannot be decrypted with the current MASTER_KEY');
    }
  }
}
