import { useI18n } from 'vue-i18n';

const ACTION_NAME = /^[a-z_]+(\.[a-z_]+)+$/;

/** The translated name of an audit action, or the action itself when it has none. */
export function useActionLabel(): (action: string) => string {
  const { t, te } = useI18n();
  return (action) => {
    const key = `audit.actions.${action}`;
    return ACTION_NAME.test(action) && te(key) ? t(key) : action;
  };
}
