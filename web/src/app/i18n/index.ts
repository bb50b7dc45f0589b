import { markRaw, toRaw } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en';
import { messageCompiler } from './message-compiler';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'sessionops.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  // Messages are plain data read on every render: kept out of Vue's reactivity (vue-i18n holds them
  // in a deep ref), so reading one goes through no proxy. A change of language re-renders through
  // the locale, not through the messages.
  messages: { 'zh-CN': markRaw({ ...zhCN }), en: markRaw({ ...en }) },
  messageCompiler,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/**
 * Registers a feature's own messages under its namespace (beside any the namespace already has):
 * shallow copies of each language's namespaces, where mergeLocaleMessage would deep-copy every
 * message through Vue's proxies.
 */
export function registerMessages(namespace: string, messages: { 'zh-CN': object; en: object }): void {
  for (const locale of ['zh-CN', 'en'] as const) {
    const current = toRaw(i18n.global.getLocaleMessage(locale)) as Record<string, object | undefined>;
    const next = { ...current, [namespace]: { ...current[namespace], ...messages[locale] } };
    i18n.global.setLocaleMessage(locale, markRaw(next) as typeof zhCN);
  }
}
