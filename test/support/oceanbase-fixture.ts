import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';

/** The OceanBase-compatible fixture (see test/fixtures/oceanbase-fixture.sql). */
export const OCEANBASE_FIXTURE_FILE = join(__dirname, '..', 'fixtures', 'oceanbase-fixture.sql');

/** Databases the fixture creates; dropping both removes it. */
export const OCEANBASE_FIXTURE_DATABASES = ['oceanbase', 'DBMS_MONITOR'] as const;

/** Words that close a block opened by a word other than BEGIN/CASE (`END IF`, `END LOOP`...). */
const NON_BLOCK_CLOSERS = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT']);

/**
 * Splits an SQL script into statements at `;` outside quotes, comments and blocks. Blocks are
 * `BEGIN ... END` and `CASE ... END [CASE]`, so stored-program bodies and CASE expressions stay
 * whole; no DELIMITER lines are needed (nor understood).
 */
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const stmt = script.slice(start, end).trim();
    if (stripComments(stmt).trim()) statements.push(stmt);
  };
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(script, i);
    } else if (c === '-' && script[i + 1] === '-' && /\s/.test(script[i + 2] ?? ' ')) {
      i = lineEnd(script, i);
    } else if (c === '#') {
      i = lineEnd(script, i);
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? script.length : end + 2;
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_$]/.test(script[i - 1] ?? ' ')) {
      const word = /^[A-Za-z0-9_$]+/.exec(script.slice(i))![0];
      const upper = word.toUpperCase();
      if (upper === 'BEGIN' || upper === 'CASE') depth++;
      if (upper === 'END') {
        const next = /^\s*([A-Za-z]+)/.exec(script.slice(i + word.length));
        const following = next?.[1]?.toUpperCase();
        if (!following || !NON_BLOCK_CLOSERS.has(following)) depth = Math.max(0, depth - 1);
        // `END CASE` closes the block; its CASE opens nothing
        if (next && following === 'CASE') i += next[0].length;
      }
      i += word.length;
    } else if (c === ';' && depth === 0) {
      push(i);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  push(script.length);
  return statements;
}

function skipQuoted(s: string, open: number): number {
  const q = s[open]!;
  let i = open + 1;
  while (i < s.length) {
    if (s[i] === '\\' && q !== '`') i += 2;
    else if (s[i] === q && s[i + 1] === q) i += 2;
    else if (s[i] === q) return i + 1;
    else i++;
  }
  return s.length;
}

function lineEnd(s: string, from: number): number {
  const nl = s.indexOf('\n', from);
  return nl < 0 ? s.length : nl + 1;
}

function stripComments(stmt: string): string {
  return stmt.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\n)\s*(--\s|#)[^\n]*/g, '$1');
}

/** Creates (or recreates) the fixture on the server behind `conn`, one statement at a time. */
export async function installOceanBaseFixture(conn: Connection): Promise<void> {
  for (const statement of splitSqlScript(readFileSync(OCEANBASE_FIXTURE_FILE, 'utf8'))) {
    await conn.query(statement);
  }
}

/** Drops everything the fixture created. */
export async function dropOceanBaseFixture(conn: Connection): Promise<void> {
  for (const db of OCEANBASE_FIXTURE_DATABASES) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
}
