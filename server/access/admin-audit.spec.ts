import { AppError } from '../common/errors';
import { auditResultFor } from './admin-audit';
import { escapeLike, isDuplicateKey } from './admin.dto';

describe('auditResultFor', () => {
  it('records unknown things as not_found, policy refusals as denied, the rest as failed', () => {
    expect(auditResultFor(new AppError('ROLE_NOT_FOUND', 'x'))).toBe('not_found');
    expect(auditResultFor(new AppError('TENANT_NOT_FOUND', 'x'))).toBe('not_found');
    expect(auditResultFor(new AppError('LAST_ADMIN', 'x'))).toBe('denied');
    expect(auditResultFor(new AppError('BUILTIN_ROLE', 'x'))).toBe('denied');
    expect(auditResultFor(new AppError('PERMISSION_DENIED', 'x'))).toBe('denied');
    expect(auditResultFor(new AppError('NAME_TAKEN', 'x'))).toBe('failed');
    expect(auditResultFor(new AppError('REDIS_UNAVAILABLE', 'x'))).toBe('failed');
  });
});

describe('escapeLike', () => {
  it('takes LIKE wildcards and the escape character literally', () => {
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
    expect(escapeLike('plain.name')).toBe('plain.name');
  });
});

describe('isDuplicateKey', () => {
  it('recognises MariaDB duplicate-key errors, raw or wrapped by TypeORM', () => {
    expect(isDuplicateKey({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(true);
    expect(isDuplicateKey({ driverError: { code: 'ER_DUP_ENTRY' } })).toBe(true);
    expect(isDuplicateKey({ code: 'ER_NO_REFERENCED_ROW_2', errno: 1452 })).toBe(false);
    expect(isDuplicateKey(new Error('boom'))).toBe(false);
  });
});
