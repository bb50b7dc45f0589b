/**
 * A small MySQL-flavoured SQL tokenizer, keyword formatter and HTML highlighter for the SQL popup.
 * Formatting only changes whitespace and the case of keywords; string literals, identifiers and
 * comments are kept byte for byte. The highlighter escapes every token it emits.
 */

export type TokenKind =
  'keyword' | 'function' | 'string' | 'number' | 'comment' | 'identifier' | 'quoted' | 'variable' | 'operator' | 'punct' | 'whitespace';

export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  (
    'ADD ALL ALTER ANALYZE AND ANY AS ASC BEGIN BETWEEN BINARY BY CALL CASE CAST CHARACTER CHARSET CHECK COLLATE COLUMN COMMIT ' +
    'CONSTRAINT CREATE CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DELAYED DELETE DESC DESCRIBE DISTINCT DIV ' +
    'DO DROP DUAL DUPLICATE ELSE END ESCAPE EXCEPT EXISTS EXPLAIN FALSE FETCH FIRST FOR FORCE FOREIGN FROM FULL GRANT GROUP HAVING HIGH_PRIORITY ' +
    'IF IGNORE IN INDEX INNER INSERT INTERSECT INTERVAL INTO IS JOIN KEY KILL LATERAL LEFT LIKE LIMIT LOCK LOW_PRIORITY MODE NATURAL NEXT ' +
    'NOT NOWAIT NULL OF OFFSET ON ONLY OR ORDER OUTER OVER PARTITION PRIMARY PROCEDURE QUERY RECURSIVE REFERENCES REGEXP RENAME REPLACE ' +
    'RIGHT RLIKE ROLLBACK ROW ROWS SAVEPOINT SELECT SET SHARE SHOW SKIP SOME SQL_CALC_FOUND_ROWS SQL_NO_CACHE START STRAIGHT_JOIN ' +
    'TABLE THEN TO TRANSACTION TRUE TRUNCATE UNION UNIQUE UNLOCK UPDATE USE USING VALUES VIEW WHEN WHERE WINDOW WITH XOR ' +
    'MICROSECOND SECOND MINUTE HOUR DAY WEEK MONTH QUARTER YEAR'
  ).split(' '),
);

/** Keywords that stay keywords even when a parenthesis follows them directly. */
const NOT_FUNCTIONS = new Set(
  'AND ANY AS ALL EXISTS FROM IN INTO JOIN KEY NOT ON OR OVER SELECT SOME TABLE UNION USING VALUES WHERE WITH INDEX'.split(' '),
);

const JOIN_MODIFIERS = new Set(['LEFT', 'RIGHT', 'INNER', 'OUTER', 'CROSS', 'FULL', 'NATURAL']);

const OPERATORS = ['<=>', '->>', '>=', '<=', '<>', '!=', ':=', '||', '&&', '<<', '>>', '->'];

const WORD_START = /[A-Za-z_$\u0080-\uffff]/;
const WORD_CHAR = /[\w$\u0080-\uffff]/;

function readQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function readWord(sql: string, start: number): number {
  let i = start;
  while (i < sql.length && WORD_CHAR.test(sql[i] ?? '')) i++;
  return i;
}

/** Splits SQL into tokens whose texts concatenate back to the input exactly. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    out.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j] ?? '')) j++;
      push('whitespace', j);
    } else if ((c === '-' && next === '-' && /[\s]|^$/.test(sql[i + 2] ?? '')) || c === '#') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl === -1 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (c === "'" || c === '"') {
      push('string', readQuoted(sql, i, c, true));
    } else if (c === '`') {
      push('quoted', readQuoted(sql, i, '`', false));
    } else if (c === '@') {
      let j = i + 1;
      if (sql[j] === '@') j++;
      const q = sql[j];
      if (q === "'" || q === '"' || q === '`') j = readQuoted(sql, j, q, q !== '`');
      else while (j < sql.length && /[\w$.]/.test(sql[j] ?? '')) j++;
      push('variable', j);
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(next))) {
      const m = /^(?:0x[0-9a-f]+|0b[01]+|\d*\.?\d+(?:e[+-]?\d+)?|\d+\.)/i.exec(sql.slice(i, i + 400));
      let end = i + (m?.[0].length ?? 1);
      // MySQL identifiers may start with digits (e.g. 1col): keep them whole
      if (WORD_CHAR.test(sql[end] ?? '') && !/\d/.test(sql[end] ?? '')) {
        end = readWord(sql, end);
        push('identifier', end);
      } else push('number', end);
    } else if (WORD_START.test(c)) {
      const end = readWord(sql, i);
      const upper = sql.slice(i, end).toUpperCase();
      const followedByParen = sql[end] === '(';
      if (followedByParen && !NOT_FUNCTIONS.has(upper)) push('function', end);
      else if (KEYWORDS.has(upper)) push('keyword', end);
      else push('identifier', end);
    } else if (c === '(' || c === ')' || c === ',' || c === ';' || c === '.') {
      push('punct', i + 1);
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      push('operator', i + (op?.length ?? 1));
    }
  }
  return out;
}

const MAX_FORMAT_LENGTH = 200_000;

type Paren = 'sub' | 'inline';

/**
 * Re-indents SQL: one line per clause (SELECT, FROM, WHERE, JOIN, GROUP BY...), AND/OR of a
 * condition on their own lines, select-list items one per line, subqueries indented.
 */
export function formatSql(sql: string): string {
  if (sql.length > MAX_FORMAT_LENGTH) return sql;
  const all = tokenize(sql);
  const tokens: Token[] = [];
  /** tokens preceded by whitespace in the input */
  const spaced = new Set<Token>();
  for (let k = 0; k < all.length; k++) {
    const t = all[k]!;
    if (t.kind === 'whitespace') continue;
    if (all[k - 1]?.kind === 'whitespace') spaced.add(t);
    tokens.push(t);
  }
  const parens: Paren[] = [];
  let out = '';
  let depth = 0; // open subqueries
  let clause = '';
  let betweenPending = false;
  let lineStart = true;
  let prev: Token | undefined;

  const indent = (extra = 0) => ' '.repeat(depth * 4 + extra);
  const newline = (extra = 0) => {
    out = out.replace(/[ \t]+$/, '');
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    out += indent(extra);
    lineStart = true;
  };
  const inSubLevel = () => parens.length === 0 || parens[parens.length - 1] === 'sub';

  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    const upper = tok.text.toUpperCase();
    const nextTok = tokens[k + 1];
    const nextUpper = nextTok?.text.toUpperCase();
    const prevUpper = prev?.text.toUpperCase();
    const text = tok.kind === 'keyword' ? upper : tok.text;
    let space = !lineStart;

    if (tok.kind === 'keyword' && inSubLevel()) {
      let clauseStart = false;
      switch (upper) {
        case 'SELECT':
        case 'FROM':
        case 'WHERE':
        case 'HAVING':
        case 'LIMIT':
        case 'UNION':
        case 'INTERSECT':
        case 'EXCEPT':
        case 'WINDOW':
          clauseStart = !(upper === 'FROM' && prevUpper === 'DELETE');
          break;
        case 'GROUP':
        case 'ORDER':
          clauseStart = nextUpper === 'BY';
          break;
        case 'JOIN':
        case 'STRAIGHT_JOIN':
          clauseStart = !(prevUpper && JOIN_MODIFIERS.has(prevUpper) && prev?.kind === 'keyword');
          break;
        case 'LEFT':
        case 'RIGHT':
        case 'INNER':
        case 'CROSS':
        case 'FULL':
        case 'NATURAL':
          clauseStart = !(prevUpper && JOIN_MODIFIERS.has(prevUpper));
          break;
        case 'ON':
          clauseStart = nextUpper === 'DUPLICATE';
          break;
        case 'VALUES':
        case 'SET':
          clauseStart = prev?.kind !== 'operator' && prevUpper !== ',' && prevUpper !== 'CHARACTER' && prevUpper !== '(';
          break;
        case 'UPDATE':
          clauseStart = prevUpper !== 'KEY' && prevUpper !== 'FOR';
          break;
        case 'FOR':
          clauseStart = nextUpper === 'UPDATE' || nextUpper === 'SHARE';
          break;
        case 'INSERT':
        case 'REPLACE':
        case 'DELETE':
        case 'WITH':
          clauseStart = prev === undefined || prevUpper === ';';
          break;
        default:
          break;
      }
      if (clauseStart) {
        if (prev) newline();
        space = false;
        clause = upper;
        betweenPending = false;
      } else if ((upper === 'AND' || upper === 'OR' || upper === 'XOR') && !betweenPending) {
        if (clause === 'WHERE' || clause === 'HAVING' || clause === 'JOIN' || clause === 'ON') {
          newline(2);
          space = false;
        }
      }
      if (upper === 'BETWEEN') betweenPending = true;
      else if (upper === 'AND' && betweenPending) betweenPending = false;
      if (upper === 'ON' && clause !== 'ON' && nextUpper !== 'DUPLICATE') clause = 'ON';
      if (JOIN_MODIFIERS.has(upper) || upper === 'JOIN') clause = 'JOIN';
    }

    if (tok.kind === 'punct') {
      if (text === '(') {
        const isSub = nextUpper === 'SELECT' || nextUpper === 'WITH';
        if (prev?.kind === 'function' || !spaced.has(tok)) space = false;
        parens.push(isSub ? 'sub' : 'inline');
        out += (space ? ' ' : '') + text;
        lineStart = false;
        if (isSub) {
          depth++;
          newline();
        }
        prev = tok;
        continue;
      }
      if (text === ')') {
        const kind = parens.pop();
        if (kind === 'sub') {
          depth = Math.max(0, depth - 1);
          newline(2);
          clause = '';
        }
        out += text;
        lineStart = false;
        prev = tok;
        continue;
      }
      // , ; . never take a space before them
      out += text;
      lineStart = false;
      if (text === ',' && inSubLevel() && (clause === 'SELECT' || clause === 'SET')) newline(2);
      if (text === ';') {
        depth = 0;
        parens.length = 0;
        clause = '';
        newline();
      }
      prev = tok;
      continue;
    }

    if (prev?.text === '(' || prev?.text === '.') space = false;
    if (tok.kind === 'comment') {
      out += (space ? ' ' : '') + text;
      lineStart = false;
      if (!text.startsWith('/*')) newline();
      prev = tok;
      continue;
    }
    out += (space ? ' ' : '') + text;
    lineStart = false;
    prev = tok;
  }
  return out.replace(/[ \t]+$/gm, '').trim();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CLASS_OF: Partial<Record<TokenKind, string>> = {
  keyword: 'sql-kw',
  function: 'sql-fn',
  string: 'sql-str',
  number: 'sql-num',
  comment: 'sql-cmt',
  quoted: 'sql-id',
  variable: 'sql-var',
  operator: 'sql-op',
};

/** HTML for SQL text: every token escaped, known kinds wrapped in a span with a `sql-*` class. */
export function highlightSql(sql: string): string {
  if (sql.length > MAX_FORMAT_LENGTH) return escapeHtml(sql);
  let html = '';
  for (const t of tokenize(sql)) {
    const cls = CLASS_OF[t.kind];
    html += cls ? `<span class="${cls}">${escapeHtml(t.text)}</span>` : escapeHtml(t.text);
  }
  return html;
}
