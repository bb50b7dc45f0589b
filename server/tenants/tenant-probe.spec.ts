import { parsePrivileges, privilegeMessages } from './tenant-probe';
import { capabilitiesOf, detectDialect } from './dialect';

describe('parsePrivileges', () => {
  it('reads ALL PRIVILEGES as everything', () => {
    const p = parsePrivileges(['GRANT ALL PRIVILEGES ON *.* TO `sessionops`@`127.0.0.1` WITH GRANT OPTION']);
    expect(p).toMatchObject({ process: true, kill: true });
  });

  it('reads PROCESS and CONNECTION ADMIN (MariaDB) and CONNECTION_ADMIN (MySQL 8)', () => {
    expect(parsePrivileges(['GRANT PROCESS, CONNECTION ADMIN ON *.* TO `u`@`%`'])).toMatchObject({ process: true, kill: true });
    expect(parsePrivileges(['GRANT PROCESS ON *.* TO `u`@`%`', 'GRANT CONNECTION_ADMIN ON *.* TO `u`@`%`'])).toMatchObject({
      process: true,
      kill: true,
    });
  });

  it('does not count privileges on a single database', () => {
    const p = parsePrivileges(['GRANT USAGE ON *.* TO `u`@`%`', 'GRANT ALL PRIVILEGES ON `app`.* TO `u`@`%`']);
    expect(p).toMatchObject({ process: false, kill: false });
    expect(privilegeMessages(p).join(' ')).toMatch(/only this account's own sessions are visible/);
  });
});

describe('detectDialect and capabilities', () => {
  it('tells MariaDB, MySQL, TiDB and OceanBase apart', () => {
    expect(detectDialect('10.11.19-MariaDB-0+deb12u1', null)).toMatchObject({ dialect: 'mariadb', version: '10.11.19' });
    expect(detectDialect('8.0.36', null)).toMatchObject({ dialect: 'mysql', version: '8.0.36' });
    expect(detectDialect('8.0.11-TiDB-v7.5.1', null)).toMatchObject({ dialect: 'tidb', version: '7.5.1' });
    expect(detectDialect('5.7.25', '4.2.1.0')).toMatchObject({ dialect: 'oceanbase', major: 4, minor: 2, patch: 1 });
  });

  it('offers full-link trace from OceanBase 4.2.1 and performance_schema from MySQL 8.0.22', () => {
    expect(capabilitiesOf(detectDialect('5.7.25', '4.2.1.0'), false).fullLinkTrace).toBe(true);
    expect(capabilitiesOf(detectDialect('5.7.25', '4.2.0.0'), false).fullLinkTrace).toBe(false);
    expect(capabilitiesOf(detectDialect('8.0.22', null), true).processlistSource).toBe('performance_schema.processlist');
    expect(capabilitiesOf(detectDialect('8.0.21', null), true).processlistSource).toBe('information_schema.PROCESSLIST');
    expect(capabilitiesOf(detectDialect('8.0.36', null), false).processlistSource).toBe('information_schema.PROCESSLIST');
  });
});
