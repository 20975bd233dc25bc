/**
 * Tests are TypeScript ES modules, run by ts-jest under Node's vm modules. ts-jest only transpiles
 * (tsconfig.json has isolatedModules): `npm run typecheck` type-checks everything once, before.
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Jest's default is one worker fewer than the cores: one on a 2-core machine. Most of the suite
  // waits on child processes and sockets, so a worker per core overlaps those waits.
  maxWorkers: '100%',
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.cjs'],
};
