import { createI18n } from 'vue-i18n';
import en from './en';
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
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** Registers a feature's own messages under its namespace. */
export function registerMessages(namespace: string, messages: { 'zh-CN': object; en: object }): void {
  i18n.global.mergeLocaleMessage('zh-CN', { [namespace]: messages['zh-CN'] });
  i18n.global.mergeLocaleMessage('en', { [namespace]: messages.en });
}
