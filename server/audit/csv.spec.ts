import { parseCsv } from '../../test/support/csv';
import { csvCell, csvRow } from './csv';

describe('csvCell', () => {
  it('leaves plain text, numbers and booleans as they are', () => {
    expect(csvCell('user.create')).toBe('user.create');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
  });

  it('writes null and undefined as empty cells and dates as ISO 8601', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date('2025-03-04T05:06:07.089Z'))).toBe('2025-03-04T05:06:07.089Z');
  });

  it('quotes cells holding commas, quotes or line breaks and doubles the quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('quotes cells holding a semicolon or a tab, the separators of other locales', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
    expect(csvCell({ sql: 'SELECT 1; SELECT 2' })).toBe('"{""sql"":""SELECT 1; SELECT 2""}"');
  });

  it.each(['=SUM(A1:A2)', '+1', '-1+2', '@cmd', '\tx', '\rx'])('neutralises %j against formula injection', (text) => {
    const cell = csvCell(text);
    const [[read]] = parseCsv(`${cell}\r\n`) as [[string]];
    expect(read).toBe(`'${text}`);
  });

  it('neutralises and quotes at once', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('writes objects as JSON', () => {
    expect(csvCell({ sql: 'SELECT 1, 2' })).toBe('"{""sql"":""SELECT 1, 2""}"');
  });
});

describe('csvRow', () => {
  it('ends records with CRLF and reads back to the same values', () => {
    const values = ['plain', 'a,b', 'q"uote', 'multi\r\nline', '', '=1+2'];
    const line = csvRow(values);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parseCsv(line + csvRow(['x']))).toEqual([['plain', 'a,b', 'q"uote', 'multi\r\nline', '', "'=1+2"], ['x']]);
  });
});
