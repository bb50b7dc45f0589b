/** npm run bench: benchmarks print figures measured against a floor in the same run. */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testMatch: ['<rootDir>/bench/**/*.bench-spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
