import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTIONS } from '../../server/audit/audit-actions';
import { KNOWN_ACTIONS } from '../../web/src/features/audit/actions';
import messages from '../../web/src/features/audit/messages';

const ACTION = /^[a-z_]+(\.[a-z_]+)+$/;

/** Action names written by the server's sources: `action: '…'`, `action = cond ? '…' : '…'`, `auditAs: '…'`, `operate('…')`. */
function actionsInServer(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
    });
  const literals = (text: string) => [...text.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)].map((m) => m[1]!);
  for (const file of walk(join(__dirname, '../../server'))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      for (const m of line.matchAll(/\b(?:auditAs:|operate\()\s*('[^']*')/g)) literals(m[1]!).forEach((a) => found.add(a));
      const assigned = /\b(?:action|[A-Z_]*ACTION)\s*[:=]\s*(.*)$/.exec(line);
      if (assigned) literals(assigned[1]!).forEach((a) => found.add(a));
    }
  }
  return found;
}

/** The message at a dotted path, or undefined. */
function labelOf(tree: unknown, action: string): string | undefined {
  let node: unknown = tree;
  for (const part of action.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

describe('audit action labels', () => {
  const written = [...actionsInServer()].sort();

  it('finds the actions the server writes (the scan itself works)', () => {
    expect(written).toEqual(expect.arrayContaining(['tenant.create', 'session.kill', 'relay.session.terminate', 'relay.key.disable']));
  });

  it('every action the server writes is in AUDIT_ACTIONS', () => {
    expect(written.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it('the console offers exactly the server actions in its filter', () => {
    expect([...KNOWN_ACTIONS].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it.each(['zh-CN', 'en'] as const)('%s has a label for every action', (locale) => {
    const actions = [...new Set([...AUDIT_ACTIONS, ...written])];
    expect(actions.filter((a) => ACTION.test(a) && !labelOf(messages[locale].actions, a)?.trim())).toEqual([]);
  });

  it('zh-CN labels are Chinese, not the English ones copied over', () => {
    expect(AUDIT_ACTIONS.filter((a) => !/[\u4e00-\u9fff]/.test(labelOf(messages['zh-CN'].actions, a) ?? ''))).toEqual([]);
  });
});
