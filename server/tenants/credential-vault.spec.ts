import { randomBytes } from 'node:crypto';
import { seal, unseal } from './credential-vault';

describe('credential sealing', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plaintext', () => {
    const sealed = seal(key, 'pässwörd-123');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('pässwörd');
    expect(unseal(key, sealed)).toBe('pässwörd-123');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(key, 'same')).not.toBe(seal(key, 'same'));
  });

  it('refuses another key and tampered data', () => {
    const sealed = seal(key, 'secret');
    expect(() => unseal(randomBytes(32), sealed)).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => unseal(key, `v1:${raw.toString('base64')}`)).toThrow();
  });
});
