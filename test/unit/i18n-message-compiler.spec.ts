import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n } from 'vue-i18n';
import { messageCompiler } from '../../web/src/app/i18n/message-compiler';

type Tree = { [key: string]: string | Tree };

/**
 * Every message of the console, registered as the console registers them: its own, the features'
 * i18n.ts, and the messages.ts a feature's routes.ts registers under its namespace.
 */
function consoleMessages(): Record<'zh-CN' | 'en', Tree> {
  // src/app/i18n reads the saved language when loaded
  (globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
  const { i18n, registerMessages } = jest.requireActual<typeof import('../../web/src/app/i18n')>('../../web/src/app/i18n');
  jest.requireActual('../../web/src/app/i18n/errors');
  const features = join(__dirname, '../../web/src/features');
  for (const feature of readdirSync(features)) {
    const dir = join(features, feature);
    if (existsSync(join(dir, 'i18n.ts'))) jest.requireActual(join(dir, 'i18n.ts'));
    if (existsSync(join(dir, 'messages.ts'))) {
      const ns = /registerMessages\('(\w+)', messages\)/.exec(readFileSync(join(dir, 'routes.ts'), 'utf8'))?.[1];
      if (!ns) throw new Error(`${feature}/routes.ts registers its messages.ts under no namespace this test can read`);
      registerMessages(ns, jest.requireActual<{ default: { 'zh-CN': object; en: object } }>(join(dir, 'messages.ts')).default);
    }
  }
  return { 'zh-CN': i18n.global.getLocaleMessage('zh-CN') as Tree, en: i18n.global.getLocaleMessage('en') as Tree };
}

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  );
}

describe("the console's message compiler", () => {
  const messages = consoleMessages();

  it.each(['zh-CN', 'en'] as const)('%s: every message reads as with vue-i18n’s own compiler', (locale) => {
    const own = createI18n({ legacy: false, locale, messages });
    const fast = createI18n({ legacy: false, locale, messages, messageCompiler });
    // any named parameter a message asks for, and a count for plural messages
    const named = new Proxy({} as Record<string, unknown>, { get: (_, k) => (k === 'n' || k === 'count' ? 2 : `<${String(k)}>`) });
    const all = leaves(messages[locale]);
    expect(all.length).toBeGreaterThan(500);
    const differ = all.filter(
      ([key]) => fast.global.t(key, named) !== own.global.t(key, named) || fast.global.t(key, 1) !== own.global.t(key, 1),
    );
    expect(differ).toEqual([]);
  });

  it('answers a plain message without parsing it, and hands anything with syntax to vue-i18n', () => {
    const i18n = createI18n({
      legacy: false,
      locale: 'en',
      messageCompiler,
      messages: {
        en: {
          plain: 'Close session',
          named: 'Closed {n} sessions',
          plural: 'no session | one session | {n} sessions',
          linked: '@:plain now',
        },
      },
    });
    const t = i18n.global.t;
    expect(t('plain')).toBe('Close session');
    expect(t('named', { n: 3 })).toBe('Closed 3 sessions');
    expect(t('plural', 0)).toBe('no session');
    expect(t('plural', 5)).toBe('5 sessions');
    expect(t('linked')).toBe('Close session now');
  });
});
