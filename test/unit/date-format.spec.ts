import { formatDateTime } from '../../web/src/app/format';

describe('formatDateTime', () => {
  it('writes YYYY-MM-DD HH:mm:ss in the local time zone, zero-padded', () => {
    expect(formatDateTime(new Date(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05');
    expect(formatDateTime(new Date(2026, 11, 31, 23, 59, 59))).toBe('2026-12-31 23:59:59');
    const iso = new Date(2026, 5, 7, 8, 9, 10).toISOString();
    expect(formatDateTime(iso)).toBe('2026-06-07 08:09:10');
  });

  it('leaves nothing for no value and the value itself when it is not a date', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('')).toBe('');
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});
