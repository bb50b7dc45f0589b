import { ElMessageBox } from 'element-plus';
import { i18n } from './i18n';

/** Asks before a destructive action; resolves true when the user confirms with the red button. */
export function confirmDelete(message: string, title: string): Promise<boolean> {
  const t = i18n.global.t;
  return ElMessageBox.confirm(message, title, {
    type: 'warning',
    confirmButtonText: t('common.delete'),
    cancelButtonText: t('common.cancel'),
    confirmButtonClass: 'el-button--danger',
  }).then(
    () => true,
    () => false,
  );
}
