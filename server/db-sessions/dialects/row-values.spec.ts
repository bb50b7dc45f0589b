import { idString, isActiveCommand, joinHostPort, mysqlState, nonEmpty, num, splitHostPort, tenths, text } from './row-values';

describe('row values', () => {
  it('reads text from strings, Buffers and numbers', () => {
    expect(text('a')).toBe('a');
    expect(text(Buffer.from('é'))).toBe('é');
    expect(text(new Uint8Array([0x68, 0x69]))).toBe('hi');
    expect(text(12)).toBe('12');
    expect(text(null)).toBeNull();
    expect(text(undefined)).toBeNull();
    expect(nonEmpty('')).toBeNull();
  });

  it('reads numbers from numbers, decimal strings and bigints', () => {
    expect(num('3456.789')).toBe(3456.789);
    expect(num(7)).toBe(7);
    expect(num(7n)).toBe(7);
    expect(num('')).toBeNull();
    expect(num('abc')).toBeNull();
    expect(num(null)).toBeNull();
  });

  it('keeps ids exact as decimal strings', () => {
    expect(idString('18446744073709551615')).toBe('18446744073709551615');
    expect(idString(18446744073709551615n)).toBe('18446744073709551615');
    expect(idString(42)).toBe('42');
  });

  it('rounds seconds down to a tenth', () => {
    expect(tenths(3.456789)).toBe(3.4);
    expect(tenths(0.1)).toBe(0.1);
    expect(tenths(631.462197)).toBe(631.4);
    expect(tenths(2)).toBe(2);
  });

  it('splits and joins host and port for IPv4, IPv6 and bare hosts', () => {
    expect(splitHostPort('10.0.0.1:3306')).toEqual({ host: '10.0.0.1', port: '3306' });
    expect(splitHostPort('[2001:db8::1]:3306')).toEqual({ host: '2001:db8::1', port: '3306' });
    expect(splitHostPort('2001:db8::1')).toEqual({ host: '2001:db8::1', port: null });
    expect(splitHostPort('localhost')).toEqual({ host: 'localhost', port: null });
    expect(joinHostPort('10.0.0.1', 2881)).toBe('10.0.0.1:2881');
    expect(joinHostPort('2001:db8::1', '2881')).toBe('[2001:db8::1]:2881');
  });
});

describe('mysqlState', () => {
  it('shows a killed thread as KILLED, never ACTIVE, and does not count it as active', () => {
    expect(isActiveCommand('Killed', false)).toBe(false);
    expect(mysqlState('Killed', isActiveCommand('Killed', false))).toBe('KILLED');
    expect(mysqlState('Query', true)).toBe('ACTIVE');
    expect(mysqlState('Sleep', false)).toBe('SLEEP');
  });
});
