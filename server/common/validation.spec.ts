import { LoginDto } from '../auth/auth.dto';
import { CreateUserDto } from '../access/users.dto';
import { CreateTenantDto } from '../tenants/tenants.dto';
import { createValidationPipe, scalarFields } from './validation';

describe('validation pipe', () => {
  const pipe = createValidationPipe();
  const body = (metatype: new () => object) => ({ type: 'body' as const, metatype, data: undefined });

  it('knows which fields only a single value satisfies', () => {
    expect(scalarFields(LoginDto).sort()).toEqual(['password', 'username']);
    expect(scalarFields(CreateUserDto).sort()).toEqual(['displayName', 'mustChangePassword', 'password', 'username']);
    expect(scalarFields(CreateTenantDto)).not.toContain('directServers');
  });

  it('refuses an object in a scalar field before walking it', async () => {
    const huge: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) huge[`k${i}`] = i;
    await expect(pipe.transform({ username: huge, password: ['x'] }, body(LoginDto))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: {
        fields: expect.arrayContaining([expect.objectContaining({ field: 'username' }), expect.objectContaining({ field: 'password' })]),
      },
    });
  });

  it('lists at most 20 problems', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`u${i}`, i]));
    const err = (await pipe.transform({ ...unknown, username: 'a', password: 'b' }, body(LoginDto)).catch((e: unknown) => e)) as {
      details: { fields: unknown[]; truncated?: boolean };
      message: string;
    };
    expect(err.details.fields).toHaveLength(20);
    expect(err.details.truncated).toBe(true);
    expect(err.message).toContain('and 480 more problems');
  });

  it('leaves route parameters as text for their own pipe', async () => {
    expect(await pipe.transform('0x9', { type: 'param', metatype: Number, data: 'id' })).toBe('0x9');
  });
});
