import { createHash } from 'node:crypto';

/**
 * Fingerprints of recently seen statements: a processlist read every few seconds shows the same
 * statements again and again, and tokenizing each one on every read would cost more than the read.
 * Bounded (oldest out first) to CACHED_STATEMENTS statements of at most CACHED_SQL_MAX_CHARS.
 */
const CACHED_STATEMENTS = 4096;
const CACHED_SQL_MAX_CHARS = 4096;
const recent = new Map<string, string>();

/**
 * Statement fingerprints: sessions running the same statement shape get the same SQL ID on
 * dialects that do not compute one themselves (MariaDB, MySQL without performance_schema).
 *
 * `normalizeSql` turns a statement into its shape; `fingerprint` is the upper-case hex MD5
 * (32 characters) of that shape. The normalisation, applied token by token:
 *
 * 1. Comments are dropped: `/* ... *\/` (optimizer hints and `/*! ... *\/` version comments
 *    included), `-- ` (two dashes followed by whitespace or the end) and `#` to the end of the line.
 * 2. String literals become `?`: `'...'` and `"..."` (with backslash escapes and doubled quotes),
 *    charset-introduced strings (`_utf8mb4'x'`, `N'x'`), hex and bit strings (`X'0A'`, `B'01'`).
 * 3. Numeric literals become `?`: integers, decimals, exponents, `0x..` and `0b..`; a `+` or `-`
 *    sign directly in front of a number in operand position (`= -1`, `(-2`, `in (-3`) is part of
 *    the literal. Digits inside identifiers (`t1`, `col_2`) are left alone.
 * 4. Lists collapse to one element: `IN (?, ?, ...)` becomes `in (?)` whenever every element of the
 *    list has the same shape (so `IN ((?, ?), (?, ?))` becomes `in ((?, ?))` too), and the row
 *    list after `VALUES` / `VALUE` keeps only its first row.
 * 5. Case: everything outside backtick-quoted identifiers is lower-cased (keywords, unquoted
 *    identifiers, function names, variables). Backtick-quoted identifiers keep their case.
 * 6. Whitespace: tokens are re-joined with single spaces (none after `(` or around `.`, none before
 *    `)` or `,`), so spacing and line breaks in the original never matter. Trailing `;` are dropped.
 *
 * Prepared-statement placeholders (`?`) stay `?`, so a prepared statement and the same statement
 * with inlined literals share a fingerprint. `NULL`, `TRUE` and `FALSE` are keywords, not literals.
 */
export function fingerprint(sql: string): string {
  const known = recent.get(sql);
  if (known !== undefined) return known;
  const fp = createHash('md5').update(normalizeSql(sql), 'utf8').digest('hex').toUpperCase();
  if (sql.length <= CACHED_SQL_MAX_CHARS) {
    if (recent.size >= CACHED_STATEMENTS) recent.delete(recent.keys().next().value!);
    recent.set(sql, fp);
  }
  return fp;
}

type TokenKind = 'word' | 'quoted' | 'literal' | 'op';

interface Token {
  kind: TokenKind;
  text: string;
}

const LITERAL: Token = { kind: 'literal', text: '?' };

/** Keywords after which a sign starts a literal rather than being an operator. */
const OPERAND_KEYWORDS = new Set([
  'select',
  'where',
  'and',
  'or',
  'not',
  'xor',
  'in',
  'values',
  'value',
  'set',
  'by',
  'when',
  'then',
  'else',
  'return',
  'like',
  'between',
  'is',
  'on',
  'having',
  'limit',
  'offset',
  'interval',
  'case',
  'div',
  'mod',
  'regexp',
  'rlike',
  'distinct',
  'all',
  'any',
  'some',
  'exists',
  'escape',
]);

const MULTI_CHAR_OPS = ['<=>', '->>', '<=', '>=', '<>', '!=', ':=', '||', '&&', '<<', '>>', '->'];

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isWordChar = (c: string): boolean => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const NUMBER = /^(?:0x[0-9a-f]+|0b[01]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?)$/i;

/** Index just past a quoted run starting at `start` (the opening quote), honouring escapes. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
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

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (isSpace(c)) {
      i++;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === '#' || (c === '-' && next === '-' && (i + 2 >= sql.length || isSpace(sql[i + 2]!)))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "'" || c === '"') {
      i = skipQuoted(sql, i, c, true);
      tokens.push(LITERAL);
    } else if (c === '`') {
      const end = skipQuoted(sql, i, '`', false);
      tokens.push({ kind: 'quoted', text: sql.slice(i, end) });
      i = end;
    } else if (isWordChar(c) || (c === '.' && isDigit(next) && !endsOperand(tokens))) {
      let end = i + 1;
      while (end < sql.length && (isWordChar(sql[end]!) || (sql[end] === '.' && /^\d+$/.test(sql.slice(i, end))))) end++;
      // exponent sign inside a number: 1e+5, 2.5E-3
      if (/^\d+(?:\.\d*)?e$/i.test(sql.slice(i, end)) && (sql[end] === '+' || sql[end] === '-') && isDigit(sql[end + 1])) {
        end += 2;
        while (end < sql.length && isDigit(sql[end])) end++;
      }
      const word = sql.slice(i, end);
      if (sql[end] === "'" && (/^[xbn]$/i.test(word) || word.startsWith('_'))) {
        // X'0A', B'01', N'text', _utf8mb4'text'
        i = skipQuoted(sql, end, "'", !/^[xb]$/i.test(word));
        tokens.push(LITERAL);
      } else if (NUMBER.test(word) || /^\.\d+(?:e[+-]?\d+)?$/i.test(word)) {
        foldSign(tokens);
        tokens.push(LITERAL);
        i = end;
      } else {
        tokens.push({ kind: 'word', text: word.toLowerCase() });
        i = end;
      }
    } else if (c === '@') {
      let end = i + 1;
      if (sql[end] === '@') end++;
      if (sql[end] === '`' || sql[end] === "'" || sql[end] === '"') {
        end = skipQuoted(sql, end, sql[end]!, sql[end] !== '`');
      } else {
        while (end < sql.length && (isWordChar(sql[end]!) || sql[end] === '.')) end++;
      }
      tokens.push({ kind: 'word', text: sql.slice(i, end).toLowerCase() });
      i = end;
    } else if (c === '?') {
      tokens.push(LITERAL);
      i++;
    } else {
      const op = MULTI_CHAR_OPS.find((o) => sql.startsWith(o, i)) ?? c;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  while (tokens.length && tokens[tokens.length - 1]!.text === ';') tokens.pop();
  return tokens;
}

/** Whether the last token ends an operand (so a following sign is a binary operator). */
function endsOperand(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  if (!last) return false;
  if (last.kind === 'literal' || last.kind === 'quoted') return true;
  if (last.kind === 'word') return !OPERAND_KEYWORDS.has(last.text);
  return last.text === ')';
}

/** A `+`/`-` in operand position in front of a number belongs to the literal. */
function foldSign(tokens: Token[]): void {
  const last = tokens[tokens.length - 1];
  if (!last || last.kind !== 'op' || (last.text !== '-' && last.text !== '+')) return;
  tokens.pop();
  if (endsOperand(tokens)) tokens.push(last);
}

/** Index of the token closing the parenthesis opened at `open`, or -1. */
function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'op') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return i;
  }
  return -1;
}

const shapeOf = (tokens: Token[]): string => tokens.map((t) => t.text).join(' ');

/** `in (a, a, a)` → `in (a)` when every element has the same shape. */
function collapseInLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    out.push(t);
    i++;
    if (!(t.kind === 'word' && t.text === 'in' && tokens[i]?.text === '(')) continue;
    const close = closingParen(tokens, i);
    if (close < 0) continue;
    const elements: Token[][] = [[]];
    let depth = 0;
    for (let k = i + 1; k < close; k++) {
      const e = tokens[k]!;
      if (e.kind === 'op' && e.text === '(') depth++;
      if (e.kind === 'op' && e.text === ')') depth--;
      if (depth === 0 && e.kind === 'op' && e.text === ',') elements.push([]);
      else elements[elements.length - 1]!.push(e);
    }
    const first = elements[0]!;
    if (first.length === 0 || first.some((e) => e.kind === 'word' && e.text === 'select')) continue;
    const shape = shapeOf(first);
    if (!elements.every((e) => shapeOf(e) === shape)) continue;
    out.push(tokens[i]!, ...collapseInLists(first), tokens[close]!);
    i = close + 1;
  }
  return out;
}

/** Index of the `(` of a row starting at `i` (`(...)` or `row(...)`), or -1. */
function rowOpen(tokens: Token[], i: number): number {
  const t = tokens[i];
  if (t?.kind === 'op' && t.text === '(') return i;
  if (t?.kind === 'word' && t.text === 'row' && tokens[i + 1]?.text === '(') return i + 1;
  return -1;
}

/** `values (..), (..), (..)` → `values (..)` (also `values row(..), row(..)`). */
function collapseRowLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    out.push(t);
    i++;
    if (!(t.kind === 'word' && (t.text === 'values' || t.text === 'value'))) continue;
    const open = rowOpen(tokens, i);
    const close = open < 0 ? -1 : closingParen(tokens, open);
    if (close < 0) continue;
    out.push(...tokens.slice(i, close + 1));
    i = close + 1;
    while (tokens[i]?.text === ',') {
      const nextOpen = rowOpen(tokens, i + 1);
      const end = nextOpen < 0 ? -1 : closingParen(tokens, nextOpen);
      if (end < 0) break;
      i = end + 1;
    }
  }
  return out;
}

function render(tokens: Token[]): string {
  let out = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    const glue =
      prev === undefined ||
      (prev.kind === 'op' && (prev.text === '(' || prev.text === '.')) ||
      (t.kind === 'op' && (t.text === ')' || t.text === ',' || t.text === '.'));
    out += glue ? t.text : ` ${t.text}`;
    prev = t;
  }
  return out;
}

/** The statement's shape (see `fingerprint` for the rules). */
export function normalizeSql(sql: string): string {
  return render(collapseRowLists(collapseInLists(tokenize(sql))));
}
