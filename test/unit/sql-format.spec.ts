import { escapeHtml, formatSql, highlightSql, tokenize } from '../../web/src/features/db-sessions/sql-format';

describe('SQL popup formatter', () => {
  it('tokenizes losslessly', () => {
    const sql = "select `a`.b, 'it''s \\' x', @@x, @v:=1 -- c\nfrom t /* z */ where x<=>1 # end";
    expect(
      tokenize(sql)
        .map((t) => t.text)
        .join(''),
    ).toBe(sql);
  });

  it('puts clauses and conditions on their own lines and upper-cases keywords', () => {
    const out = formatSql(
      "select a, count(*) from t left join u on t.id = u.id and u.x = 'select from' where a between 1 and 2 and b in (1, 2) group by a order by 2 desc limit 10",
    );
    expect(out).toBe(
      [
        'SELECT a,',
        '  count(*)',
        'FROM t',
        'LEFT JOIN u ON t.id = u.id',
        "  AND u.x = 'select from'",
        'WHERE a BETWEEN 1 AND 2',
        '  AND b IN (1, 2)',
        'GROUP BY a',
        'ORDER BY 2 DESC',
        'LIMIT 10',
      ].join('\n'),
    );
  });

  it('indents subqueries and keeps literals byte for byte', () => {
    const out = formatSql('SELECT * FROM t WHERE id IN (select id from u where n = "a  b")');
    expect(out).toBe(['SELECT *', 'FROM t', 'WHERE id IN (', '    SELECT id', '    FROM u', '    WHERE n = "a  b"', '  )'].join('\n'));
  });

  it('formats INSERT ... ON DUPLICATE KEY UPDATE and UPDATE ... SET', () => {
    expect(formatSql('insert into t (a,b) values (1,2) on duplicate key update b=values(b)')).toBe(
      ['INSERT INTO t (a, b)', 'VALUES (1, 2)', 'ON DUPLICATE KEY UPDATE b = VALUES(b)'].join('\n'),
    );
    expect(formatSql('update t set a=1, b=2 where id=3')).toBe(['UPDATE t', 'SET a = 1,', '  b = 2', 'WHERE id = 3'].join('\n'));
  });

  it('escapes HTML in every token', () => {
    const html = highlightSql('SELECT \'<img src=x onerror=alert(1)>\' AS `<b>`, "&" /* </span> */');
    expect(html).not.toMatch(/<img|<b>|<\/span> \*/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('<span class="sql-kw">SELECT</span>');
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });
});
