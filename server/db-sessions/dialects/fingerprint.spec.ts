import { createHash } from 'node:crypto';
import { fingerprint, normalizeSql } from './fingerprint';

const same = (a: string, b: string): void => {
  expect(normalizeSql(a)).toBe(normalizeSql(b));
  expect(fingerprint(a)).toBe(fingerprint(b));
};
const different = (a: string, b: string): void => {
  expect(fingerprint(a)).not.toBe(fingerprint(b));
};

describe('fingerprint', () => {
  it('is the upper-case hex MD5 of the normalised statement', () => {
    const sql = 'SELECT * FROM t WHERE id = 42';
    expect(normalizeSql(sql)).toBe('select * from t where id = ?');
    expect(fingerprint(sql)).toBe(createHash('md5').update('select * from t where id = ?').digest('hex').toUpperCase());
    expect(fingerprint(sql)).toMatch(/^[0-9A-F]{32}$/);
  });

  it('replaces string literals, including escapes, doubled quotes and prefixed strings', () => {
    expect(normalizeSql(`SELECT 'it''s', "say \\"hi\\"", 'a\\'b', _utf8mb4'x', N'y', X'0A', b'101' FROM dual`)).toBe(
      'select ?, ?, ?, ?, ?, ?, ? from dual',
    );
    same(`SELECT * FROM users WHERE name = 'alice'`, `select * from users where name = "bob"`);
  });

  it('replaces numbers but not digits inside identifiers', () => {
    expect(normalizeSql('SELECT t1.col_2, 3.14, .5, 1e10, 2.5E-3, 0x1F, 0b101 FROM t1')).toBe('select t1.col_2, ?, ?, ?, ?, ?, ? from t1');
    same('SELECT * FROM t WHERE a = 1 AND b > 2.5', 'SELECT * FROM t WHERE a = 100 AND b > 0.0001');
  });

  it('folds the sign of a number in operand position, keeps binary minus', () => {
    same('SELECT * FROM t WHERE a = -1', 'SELECT * FROM t WHERE a = 1');
    expect(normalizeSql('SELECT a - 1, (-2), x+3 FROM t')).toBe('select a - ?, (?), x + ? from t');
  });

  it('strips comments of every style', () => {
    same(
      `/* app=checkout */ SELECT /*+ INDEX(t idx) */ a -- trailing
       FROM t # hash comment
       WHERE id = 7`,
      'select a from t where id = 1',
    );
    expect(normalizeSql('SELECT 5--1')).toBe('select ? - ?');
  });

  it('collapses whitespace and letter case, keeps backtick identifiers verbatim', () => {
    same('SELECT   a,b\n\tFROM  T   WHERE x=1;', 'select a, b from t where x = 2');
    expect(normalizeSql('SELECT `MixedCase` FROM `Db`.`Tbl`')).toBe('select `MixedCase` from `Db`.`Tbl`');
    different('SELECT `A` FROM t', 'SELECT `a` FROM t');
  });

  it('collapses IN lists to one element', () => {
    same('SELECT * FROM t WHERE id IN (1, 2, 3, 4)', 'SELECT * FROM t WHERE id IN (9)');
    same('SELECT * FROM t WHERE id NOT IN (?, ?, ?)', "select * from t where id not in ('a')");
    same('SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4), (5, 6))', 'SELECT * FROM t WHERE (a, b) IN ((7, 8))');
    expect(normalizeSql('SELECT * FROM t WHERE id IN (1, 2, 3)')).toBe('select * from t where id in (?)');
    // lists of differing shapes and subqueries keep their shape
    different('SELECT * FROM t WHERE id IN (1, a)', 'SELECT * FROM t WHERE id IN (1)');
    expect(normalizeSql('SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE x = 1)')).toBe(
      'select * from t where id in (select id from u where x = ?)',
    );
  });

  it('collapses VALUES row lists to the first row', () => {
    same('INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6)', 'insert into t (a, b) values (7, 8)');
    same("INSERT INTO t VALUE ('x')", "INSERT INTO t VALUE ('y'), ('z')");
    same('INSERT INTO t VALUES ROW(1, 2), ROW(3, 4)', 'INSERT INTO t VALUES ROW(5, 6)');
    same(
      'INSERT INTO t VALUES (1), (2) ON DUPLICATE KEY UPDATE a = VALUES(a)',
      'INSERT INTO t VALUES (3) ON DUPLICATE KEY UPDATE a = VALUES(a)',
    );
  });

  it('treats prepared-statement placeholders like literals', () => {
    same('UPDATE t SET a = ? WHERE id = ?', "UPDATE t SET a = 'x' WHERE id = 5");
  });

  it('tells different statement shapes apart', () => {
    different('SELECT a FROM t WHERE id = 1', 'SELECT b FROM t WHERE id = 1');
    different('SELECT * FROM t WHERE id = 1', 'SELECT * FROM u WHERE id = 1');
    different('SELECT * FROM t WHERE id = 1', 'SELECT * FROM t WHERE id > 1');
    different('SELECT * FROM t WHERE id = 1', 'DELETE FROM t WHERE id = 1');
    different('SELECT * FROM t WHERE a = 1 AND b = 2', 'SELECT * FROM t WHERE a = 1 OR b = 2');
    different('SELECT * FROM t WHERE a IS NULL', 'SELECT * FROM t WHERE a = 1');
  });

  it('keeps variables and copes with unterminated input', () => {
    expect(normalizeSql('SELECT @@session.sql_mode, @v := 1')).toBe('select @@session.sql_mode, @v := ?');
    expect(normalizeSql("SELECT 'unterminated")).toBe('select ?');
    expect(normalizeSql('SELECT 1 /* open')).toBe('select ?');
    expect(fingerprint('')).toBe(createHash('md5').update('').digest('hex').toUpperCase());
  });
});
