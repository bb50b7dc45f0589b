/** Which session columns a user shows and how wide they are; kept in localStorage under a per-user key. */
export interface ColumnPrefs {
  /** chosen columns; null = the default set for the available width */
  visible: string[] | null;
  widths: Record<string, number>;
}

export function loadColumnPrefs(key: string): ColumnPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<ColumnPrefs> | null;
    const visible = Array.isArray(raw?.visible) ? raw.visible.filter((v): v is string => typeof v === 'string') : null;
    const widths: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw?.widths ?? {})) if (typeof v === 'number' && v >= 40 && v <= 2000) widths[k] = v;
    return { visible, widths };
  } catch {
    return { visible: null, widths: {} };
  }
}

export function saveColumnPrefs(key: string, prefs: ColumnPrefs): void {
  try {
    if (prefs.visible === null && Object.keys(prefs.widths).length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(prefs));
  } catch {
    // storage full or disabled: the choice lasts for this page only
  }
}
