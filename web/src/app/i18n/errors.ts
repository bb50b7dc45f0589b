import { i18n, registerMessages } from './index';
import { ERROR_MESSAGES } from './error-messages';

registerMessages('errors', ERROR_MESSAGES);

/** An error as the console shows it: the text of its code in the current language, the server's message when the code is unknown. */
export function errorText(err: { code?: string; message?: string } | null | undefined): string {
  if (!err) return '';
  const key = `errors.${err.code ?? ''}`;
  if (err.code && i18n.global.te(key)) return i18n.global.t(key);
  // MySQL error numbers (kill failures) and unknown codes keep the server's words
  return err.message ?? err.code ?? '';
}

/** Whether the server's message is worth showing beside the translated text (it names specifics). */
export function errorDetail(err: { code?: string; message?: string } | null | undefined): string {
  if (!err?.message || !err.code || !i18n.global.te(`errors.${err.code}`)) return '';
  return err.message;
}
