import type { Principal } from '../../access/principal';
import type { AuditRecord, AuditService } from '../../audit/audit.service';
import { AppError } from '../../common/errors';
import type { RelaySessionReader } from './relay-session.reader';
import type { RelaySessionTerminator } from './relay-session.terminator';
import { RelaySessionsService } from './relay-sessions.service';

const principal = (userId: number, admin: boolean): Principal =>
  ({ userId, username: `u${userId}`, allAccess: admin, menus: admin ? ['relay.sessions'] : [] }) as unknown as Principal;

function setup(opts: { ownersFail?: boolean; terminateFails?: string[] } = {}) {
  const owners: Record<string, { userId: number; userName: string; dead: boolean } | null> = {
    mine: { userId: 1, userName: 'u1', dead: false },
    theirs: { userId: 2, userName: 'u2', dead: false },
    dead: { userId: 1, userName: 'u1', dead: true },
    flaky: { userId: 1, userName: 'u1', dead: false },
  };
  const terminated: string[] = [];
  const reader = {
    owners: (ids: string[]) =>
      opts.ownersFail
        ? Promise.reject(new Error('connect ECONNREFUSED'))
        : Promise.resolve(new Map(ids.map((id) => [id, owners[id] ?? null] as const))),
    session: (id: string) => Promise.resolve(owners[id] ? { id, userId: owners[id].userId } : null),
  } as unknown as RelaySessionReader;
  const terminator = {
    terminate: (id: string) => {
      if (opts.terminateFails?.includes(id)) return Promise.reject(new AppError('REDIS_UNAVAILABLE', 'Redis is unavailable'));
      terminated.push(id);
      return Promise.resolve('terminated' as const);
    },
  } as unknown as RelaySessionTerminator;
  const audits: AuditRecord[] = [];
  const audit = { record: (r: AuditRecord) => (audits.push(r), Promise.resolve()) } as unknown as AuditService;
  return { service: new RelaySessionsService(reader, terminator, audit), terminated, audits };
}

describe('RelaySessionsService.terminate', () => {
  it('counts own, someone else’s, expired and unknown ids for a non-admin, folding duplicates', async () => {
    const { service, terminated, audits } = setup({ terminateFails: ['flaky'] });
    const res = await service.terminate(principal(1, false), '127.0.0.1', ['mine', 'theirs', 'dead', 'unknown', 'mine', 'flaky']);
    expect(res).toMatchObject({ terminated: 1, unauthorized: 1, missing: 2, failed: 1 });
    expect(res.results.map((r) => [r.id, r.outcome])).toEqual([
      ['mine', 'terminated'],
      ['theirs', 'unauthorized'],
      ['dead', 'missing'],
      ['unknown', 'missing'],
      ['flaky', 'failed'],
    ]);
    expect(terminated).toEqual(['mine']);
    const byId = (a: AuditRecord) => [a.sessionId, a.result, a.errorCode];
    expect(audits.map(byId).sort()).toEqual(
      [
        ['mine', 'ok', null],
        ['theirs', 'denied', 'PERMISSION_DENIED'],
        ['dead', 'not_found', 'SESSION_NOT_FOUND'],
        ['unknown', 'not_found', 'SESSION_NOT_FOUND'],
        ['flaky', 'failed', 'REDIS_UNAVAILABLE'],
      ].sort(),
    );
  });

  it('lets an administrator terminate anyone’s session', async () => {
    const { service, terminated } = setup();
    const res = await service.terminate(principal(9, true), '127.0.0.1', ['mine', 'theirs', 'unknown']);
    expect(res).toMatchObject({ terminated: 2, unauthorized: 0, missing: 1, failed: 0 });
    expect(terminated.sort()).toEqual(['mine', 'theirs']);
  });

  it('refuses more than 200 distinct ids, naming the limit', async () => {
    const { service, audits } = setup();
    const ids = Array.from({ length: 201 }, (_, i) => `s${i}`);
    await expect(service.terminate(principal(1, true), '', ids)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('200'),
    });
    expect(audits).toEqual([]);
    // 300 ids folding to 150 distinct are fine
    const res = await service.terminate(principal(1, true), '', [...ids.slice(0, 150), ...ids.slice(0, 150)]);
    expect(res.missing).toBe(150);
  });

  it('answers REDIS_UNAVAILABLE and terminates nothing when Redis cannot be read, auditing each id as failed', async () => {
    const { service, terminated, audits } = setup({ ownersFail: true });
    await expect(service.terminate(principal(1, true), '', ['mine', 'theirs'])).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      status: 503,
    });
    expect(terminated).toEqual([]);
    expect(audits.map((a) => a.result)).toEqual(['failed', 'failed']);
  });

  it('hides someone else’s session from a non-admin exactly like an unknown one', async () => {
    const { service } = setup();
    const hidden = await service.detail(principal(1, false), 'theirs').catch((e: AppError) => e);
    const unknown = await service.detail(principal(1, false), 'zzzzzz').catch((e: AppError) => e);
    expect(hidden).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect((hidden as AppError).message.replace('theirs', 'X')).toBe((unknown as AppError).message.replace('zzzzzz', 'X'));
    await expect(service.detail(principal(1, false), 'mine')).resolves.toMatchObject({ id: 'mine' });
  });
});
