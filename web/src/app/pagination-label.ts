import { watch, type Directive, type WatchStopHandle } from 'vue';
import { i18n } from './i18n';

const SIZES = '.el-pagination__sizes input';
const stops = new WeakMap<HTMLElement, WatchStopHandle>();

function label(root: HTMLElement): void {
  const input = root.querySelector<HTMLInputElement>(SIZES);
  const text = i18n.global.t('common.pageSize');
  if (input && input.getAttribute('aria-label') !== text) input.setAttribute('aria-label', text);
}

/**
 * Element Plus's pagination draws its page-size menu without a name (it takes no aria-label for it):
 * this names it "page size" in the console's language, for screen readers and voice control.
 */
export const vPaginationLabel: Directive<HTMLElement> = {
  mounted(el) {
    label(el);
    stops.set(
      el,
      watch(i18n.global.locale, () => label(el)),
    );
  },
  updated(el) {
    label(el);
  },
  unmounted(el) {
    stops.get(el)?.();
    stops.delete(el);
  },
};
