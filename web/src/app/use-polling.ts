import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

export interface PollingOptions {
  /** milliseconds between the end of one run and the start of the next; 0 turns polling off */
  interval: Ref<number>;
  /** while true (a dialog is open, a menu is showing...) runs are held back */
  paused?: Ref<boolean>;
}

export interface Polling {
  /** true while a run is held back by `paused` or a hidden tab */
  holding: Ref<boolean>;
  /** restarts the countdown (e.g. after a load the user asked for) */
  reset(): void;
}

/**
 * Calls `task` every `interval` ms. A run never overlaps the previous one; while the tab is
 * hidden or `paused` is true a due run waits, and it happens as soon as both clear.
 */
export function usePolling(task: () => Promise<unknown>, options: PollingOptions): Polling {
  const holding = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let due = false;
  let stopped = false;

  const blocked = () => document.visibilityState === 'hidden' || (options.paused?.value ?? false);

  function clear(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function schedule(): void {
    clear();
    due = false;
    holding.value = false;
    const ms = options.interval.value;
    if (stopped || ms <= 0) return;
    timer = setTimeout(fire, ms);
  }

  function fire(): void {
    timer = undefined;
    if (blocked()) {
      due = true;
      holding.value = true;
      return;
    }
    void run();
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    due = false;
    holding.value = false;
    try {
      await task();
    } catch {
      // the task shows its own errors; polling goes on
    } finally {
      running = false;
      if (!stopped) schedule();
    }
  }

  function resume(): void {
    if (due && !blocked()) void run();
  }

  function onVisibility(): void {
    resume();
  }

  document.addEventListener('visibilitychange', onVisibility);
  watch(options.interval, () => {
    if (!running) schedule();
  });
  if (options.paused) watch(options.paused, resume);
  schedule();

  onBeforeUnmount(() => {
    stopped = true;
    clear();
    document.removeEventListener('visibilitychange', onVisibility);
  });

  return {
    holding,
    reset() {
      if (!running) schedule();
    },
  };
}
