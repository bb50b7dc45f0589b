import { parsePrivileges, privilegeMessages } from './tenant-probe';
import { capabilitiesOf, detectDialect, versionNamesProduct } from './dialect';

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

  it.each([
    ['5.7.25-OceanBase-v3.2.4', '3.2.4', [3, 2, 4], false],
    ['5.7.25-OceanBase_CE-v4.2.1.0', '4.2.1.0', [4, 2, 1], true],
    ['5.7.25-OceanBase_CE-v4.2.1.2', '4.2.1.2', [4, 2, 1], true],
    ['5.7.25-OceanBase_CE-v4.2.0.0', '4.2.0.0', [4, 2, 0], false],
    ['8.0.30-OceanBase_CE-v4.3.5.1', '4.3.5.1', [4, 3, 5], true],
    ['8.0.25-OceanBase-v4.2.5.0', '4.2.5.0', [4, 2, 5], true],
  ] as const)('detects OceanBase from VERSION() %s without ob_version()', (version, product, [major, minor, patch], trace) => {
    const detected = detectDialect(version, null);
    expect(detected).toEqual({ dialect: 'oceanbase', version: product, major, minor, patch });
    expect(capabilitiesOf(detected, false)).toEqual({
      processlistSource: 'oceanbase.GV$OB_PROCESSLIST',
      nativeSqlId: true,
      fullLinkTrace: trace,
      killViaServer: true,
    });
    expect(versionNamesProduct(version)).toBe(true);
  });

  it('takes the product version from VERSION() first and from ob_version() second', () => {
    expect(detectDialect('5.7.25-OceanBase_CE-v4.2.1.2', '4.2.0.0')).toMatchObject({ version: '4.2.1.2', patch: 1 });
    // VERSION() names OceanBase without a product version: ob_version() supplies it
    expect(detectDialect('5.7.25-OceanBase', '4.2.1.0')).toMatchObject({ dialect: 'oceanbase', version: '4.2.1.0' });
    expect(versionNamesProduct('5.7.25-OceanBase')).toBe(false);
    // VERSION() that does not name it (a tenant's overwritten version variable): ob_version() tells
    expect(detectDialect('8.0.36', '4.3.0.1')).toMatchObject({ dialect: 'oceanbase', version: '4.3.0.1', major: 4, minor: 3 });
    expect(versionNamesProduct('8.0.36')).toBe(false);
    expect(versionNamesProduct('10.11.19-MariaDB-0+deb12u1')).toBe(true);
    // nothing else is taken for OceanBase
    expect(detectDialect('5.7.44-log', null).dialect).toBe('mysql');
    expect(detectDialect('10.6.16-MariaDB-OceanBaseless', null).dialect).toBe('mariadb');
  });

  it('offers full-link trace from OceanBase 4.2.1 and performance_schema from MySQL 8.0.22', () => {
    expect(capabilitiesOf(detectDialect('5.7.25', '4.2.1.0'), false).fullLinkTrace).toBe(true);
    expect(capabilitiesOf(detectDialect('5.7.25', '4.2.0.0'), false).fullLinkTrace).toBe(false);
    expect(capabilitiesOf(detectDialect('8.0.22', null), true).processlistSource).toBe('performance_schema.processlist');
    expect(capabilitiesOf(detectDialect('8.0.21', null), true).processlistSource).toBe('information_schema.PROCESSLIST');
    expect(capabilitiesOf(detectDialect('8.0.36', null), false).processlistSource).toBe('information_schema.PROCESSLIST');
  });
});
