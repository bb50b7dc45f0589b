/** Three suites: unit (beside the code), e2e (real MariaDB + Redis), browser (Chromium). */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/server/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
      // the console's alias, for unit tests of its plain TypeScript modules
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/web/src/$1' },
    },
    { displayName: 'e2e', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { displayName: 'browser', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
  testTimeout: 60000,
};
