import { api, ApiError, prefetch } from '../../web/src/api/http';

/** fetch stubbed: each call answers the next queued response and is recorded. */
function stubFetch(...answers: Response[]): jest.Mock {
  const fn = jest.fn(async () => answers.shift() ?? new Response('{}', { status: 200 }));
  globalThis.fetch = fn as unknown as typeof fetch;
  return fn;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('GET requests asked for before the console runs', () => {
  const realFetch = globalThis.fetch;
  let now = 1000;
  beforeEach(() => {
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
    jest.restoreAllMocks();
  });

  it('are taken over by the first identical GET, once', async () => {
    const fetchMock = stubFetch(json({ who: 'early' }), json({ who: 'second' }));
    prefetch('/api/tenants/1/sessions', { sort: 'activity:desc', page: 1, user: undefined });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(await api.get('/api/tenants/1/sessions', { sort: 'activity:desc', page: 1 })).toEqual({ who: 'early' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // the next identical GET asks the server
    expect(await api.get('/api/tenants/1/sessions', { sort: 'activity:desc', page: 1 })).toEqual({ who: 'second' });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('do not answer another URL', async () => {
    const fetchMock = stubFetch(json({ page: 1 }), json({ page: 2 }));
    prefetch('/api/tenants/1/sessions', { page: 1 });
    expect(await api.get('/api/tenants/1/sessions', { page: 2 })).toEqual({ page: 2 });
    expect(fetchMock.mock.calls.map((c) => String((c as unknown[])[0]))).toEqual([
      '/api/tenants/1/sessions?page=1',
      '/api/tenants/1/sessions?page=2',
    ]);
  });

  it('read an error as the request would have (401 included)', async () => {
    stubFetch(json({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'Sign in first' }, 401));
    prefetch('/api/auth/me');
    await expect(api.get('/api/auth/me')).rejects.toEqual(new ApiError(401, 'UNAUTHENTICATED', 'Sign in first'));
  });

  it('are not used once older than five seconds', async () => {
    const fetchMock = stubFetch(json({ who: 'early' }), json({ who: 'fresh' }));
    prefetch('/api/auth/me');
    now += 5001;
    expect(await api.get('/api/auth/me')).toEqual({ who: 'fresh' });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('are read whole as they arrive: a body cut off is a network error, as for any request', async () => {
    const cut = new Response(
      new ReadableStream({
        start(c) {
          c.error(new Error('connection reset'));
        },
      }),
      { status: 200 },
    );
    stubFetch(cut);
    prefetch('/api/tenants/7');
    const err = (await api.get('/api/tenants/7').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code]).toEqual([0, 'NETWORK']);
    expect(err.message).toMatch(/connection reset/);
  });

  it('are forgotten by any other request (sign-in, sign-out, a kill)', async () => {
    const fetchMock = stubFetch(json({ who: 'before sign-in' }), json({ ok: true }), json({ who: 'after sign-in' }));
    prefetch('/api/auth/me');
    await api.post('/api/auth/login', { username: 'a', password: 'b' });
    expect(await api.get('/api/auth/me')).toEqual({ who: 'after sign-in' });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });
});
