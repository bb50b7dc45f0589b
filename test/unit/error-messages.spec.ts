import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes } from '../../server/common/errors';
import { ERROR_MESSAGES } from '../../web/src/app/i18n/error-messages';

/** Every code a result or an error body can carry, read from the server's sources. */
function codesInServer(): Set<string> {
  const codes = new Set<string>(Object.keys(ErrorCodes));
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
    });
  for (const file of walk(join(__dirname, '../../server'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('console error texts', () => {
  const codes = [...codesInServer()].sort();

  it.each(['zh-CN', 'en'] as const)('%s has a text for every code the API can answer', (locale) => {
    const missing = codes.filter((c) => !ERROR_MESSAGES[locale][c]?.trim());
    expect(missing).toEqual([]);
  });

  it('zh-CN texts are Chinese, not the English ones copied over', () => {
    const english = codes.filter((c) => !/[\u4e00-\u9fff]/.test(ERROR_MESSAGES['zh-CN'][c] ?? ''));
    expect(english).toEqual([]);
  });
});
