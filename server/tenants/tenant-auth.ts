import { authPlugins, type AuthPlugin } from 'mysql2';

/** Marks the driver error raised when a server asks for a stored password itself. */
export const FULL_AUTH_REFUSED = 'stored password not sent';

const PERFORM_FULL_AUTHENTICATION = 4;

function secure(connection: unknown): boolean {
  const c = connection as { config?: { ssl?: unknown } };
  return Boolean(c.config?.ssl);
}

function refuse(): never {
  throw new Error(
    `${FULL_AUTH_REFUSED}: the server asked for the password itself (full authentication) over an unencrypted connection. ` +
      'A stored password goes only to a server that can check a hash of it, or over TLS; enter the password again (Test connection or Edit) to send it.',
  );
}

/**
 * Authentication plugins for tenant connections. caching_sha2_password and sha256_password can
 * make a client send the password itself, encrypted with an RSA key the server supplies: a rogue
 * server gets it in clear. With a stored password (not typed by the user for this very request)
 * over a connection without TLS, that step is refused; the hash-based steps still work (MySQL 8's
 * fast authentication from its cache, mysql_native_password). mysql_clear_password stays disabled
 * (the driver's default).
 */
export function tenantAuthPlugins(opts: { passwordTyped: boolean }): Record<string, AuthPlugin> {
  const cachingSha2: AuthPlugin = (meta) => {
    const inner = authPlugins.caching_sha2_password({})(meta);
    let tokenSent = false;
    return (data: Buffer) => {
      if (tokenSent && data.length === 1 && data[0] === PERFORM_FULL_AUTHENTICATION && !opts.passwordTyped && !secure(meta.connection)) {
        refuse();
      }
      tokenSent = true;
      return inner(data);
    };
  };
  const sha256: AuthPlugin = (meta) => {
    const inner = authPlugins.sha256_password({})(meta);
    return (data: Buffer) => {
      if (!opts.passwordTyped && !secure(meta.connection)) refuse();
      return inner(data);
    };
  };
  return { caching_sha2_password: cachingSha2, sha256_password: sha256 };
}
