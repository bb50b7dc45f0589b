import type { Directive } from 'vue';

const ITEMS = '.el-menu-item, .el-sub-menu__title';
const observers = new WeakMap<HTMLElement, MutationObserver>();

function enable(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>(ITEMS)) {
    if (el.getAttribute('tabindex') !== '0' && !el.classList.contains('is-disabled')) el.setAttribute('tabindex', '0');
  }
}

function onKeydown(e: KeyboardEvent): void {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const target = e.target as HTMLElement;
  if (!target.matches(ITEMS)) return;
  e.preventDefault();
  target.click();
}

/**
 * Element Plus renders menu items with tabindex -1, out of reach of the keyboard: this puts every
 * item in the tab order and lets Enter/Space open it, as a click would.
 */
export const vKeyboardMenu: Directive<HTMLElement> = {
  mounted(el) {
    enable(el);
    el.addEventListener('keydown', onKeydown);
    const mo = new MutationObserver(() => enable(el));
    mo.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['tabindex'] });
    observers.set(el, mo);
  },
  unmounted(el) {
    el.removeEventListener('keydown', onKeydown);
    observers.get(el)?.disconnect();
    observers.delete(el);
  },
};
