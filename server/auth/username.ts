/**
 * User names have one canonical form, used when an account is created, when someone signs in,
 * for the sign-in throttle and in the audit trail: Unicode NFKC (full-width letters become ASCII),
 * surrounding white space removed, lower case.
 */
export function canonicalUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/**
 * What the sign-in throttle counts failures under: the canonical name without accents and without
 * invisible format characters, so that look-alikes ("pz-brüte", "pz\u200b-brute") share one count.
 */
export function throttleName(raw: string): string {
  return canonicalUsername(raw)
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\s]/gu, '')
    .slice(0, 128);
}
