import { canonicalUsername, throttleName } from './username';

describe('canonicalUsername', () => {
  it('folds width, case and surrounding white space', () => {
    expect(canonicalUsername('ｐｚ-brute')).toBe('pz-brute');
    expect(canonicalUsername('  PZ-Brute ')).toBe('pz-brute');
    expect(canonicalUsername('pz-brute')).toBe('pz-brute');
  });

  it('keeps accents: an accented name is another name', () => {
    expect(canonicalUsername('pz-brüte')).not.toBe('pz-brute');
  });
});

describe('throttleName', () => {
  it('counts look-alikes under one name', () => {
    for (const v of ['pz-brute', 'pz-brute ', 'ＰＺ-brute', 'pz-brüte', 'pz-b\u200brute', 'pz-bru\u0301te']) {
      expect(throttleName(v)).toBe('pz-brute');
    }
  });

  it('is bounded in length', () => {
    expect(throttleName('a'.repeat(1000)).length).toBe(128);
  });
});
