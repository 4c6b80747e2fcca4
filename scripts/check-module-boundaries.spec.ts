import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOUNDARIES_CONFIG_PATH, checkModuleBoundaries, formatViolation } from './check-module-boundaries';

const WORKSPACE_ROOT = path.resolve(__dirname, '..');

describe('module boundaries of this repository', () => {
  it('has no violations', () => {
    const report = checkModuleBoundaries(WORKSPACE_ROOT);
    expect(report.violations.map(formatViolation)).toEqual([]);
    // Guard against a checker that passes because it saw nothing.
    expect(report.projects.map((p) => p.name)).toEqual(expect.arrayContaining(['money', 'eventsourcing-decider', 'contracts', 'contracts-domain', 'rating-domain']));
    expect(report.importsChecked).toBeGreaterThan(500);
  });
});

/**
 * A small workspace with the real rules (tools/module-boundaries.json copied as is): two services with a domain
 * each, a pure lib, and one folder shipping a pure entry and a runtime entry, as libs/eventsourcing does.
 */
const BASE_FILES: Record<string, string> = {
  'tsconfig.base.json': JSON.stringify({
    compilerOptions: {
      baseUrl: '.',
      paths: {
        '@billing/money': ['libs/money/src/index.ts'],
        '@billing/eventsourcing': ['libs/eventsourcing/src/index.ts'],
        '@billing/runtime': ['libs/eventsourcing/src/runtime-entry.ts'],
      },
    },
  }),
  'libs/money/project.json': project('money', ['scope:shared', 'type:lib', 'purity:pure']),
  'libs/money/src/index.ts': "import Big from 'big.js';\nexport const zero = () => new Big(0);\n",
  'libs/eventsourcing/project.json': project('eventsourcing', ['scope:shared', 'type:lib']),
  'libs/eventsourcing/src/index.ts': "export * from './decider';\n",
  'libs/eventsourcing/src/decider.ts': 'export class DomainError extends Error {}\n',
  'libs/eventsourcing/src/runtime-entry.ts': "import { Kafka } from 'kafkajs';\nexport * from './decider';\nexport const kafka = (): Kafka => new Kafka({ brokers: [] });\n",
  'services/alpha/project.json': project('alpha', ['scope:alpha', 'type:app']),
  'services/alpha/src/domain/project.json': project('alpha-domain', ['scope:alpha', 'type:domain', 'purity:pure']),
  'services/alpha/src/domain/decide.ts': [
    "import { zero } from '@billing/money';",
    "import { DomainError } from '@billing/eventsourcing';",
    'export function decide(nowMs: number) {',
    '  if (nowMs < 0) throw new DomainError();',
    '  return { at: new Date(nowMs).toISOString(), amount: zero() };',
    '}',
  ].join('\n'),
  'services/alpha/src/app/definition.ts': "import { kafka } from '@billing/runtime';\nimport { decide } from '../domain/decide';\nexport const alpha = { kafka, decide };\n",
  'services/beta/project.json': project('beta', ['scope:beta', 'type:app']),
  'services/beta/src/app/definition.ts': "import { kafka } from '@billing/runtime';\nexport const beta = { kafka };\n",
  'test/project.json': project('platform-tests', ['scope:platform', 'type:test']),
  'test/alpha-and-beta.it.ts': "import { alpha } from '../services/alpha/src/app/definition';\nimport { beta } from '../services/beta/src/app/definition';\nexport const both = [alpha, beta];\n",
};

function project(name: string, tags: string[]): string {
  return JSON.stringify({ name, tags });
}

const scopeRules = (): string => {
  // The real rules name our seven services; the fixture's services get the same shape of rule.
  const config = JSON.parse(fs.readFileSync(path.join(WORKSPACE_ROOT, BOUNDARIES_CONFIG_PATH), 'utf8'));
  const template = config.depConstraints.find((c: { sourceTag: string }) => c.sourceTag === 'scope:rating');
  expect(template.onlyDependOnLibsWithTags).toEqual(['scope:rating', 'scope:shared']);
  for (const svc of ['alpha', 'beta']) {
    config.depConstraints.push({ ...template, sourceTag: `scope:${svc}`, onlyDependOnLibsWithTags: [`scope:${svc}`, 'scope:shared'] });
  }
  return JSON.stringify(config);
};

const trees: string[] = [];
afterAll(() => trees.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function checkTree(extraFiles: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'));
  trees.push(dir);
  const files = { ...BASE_FILES, [BOUNDARIES_CONFIG_PATH]: scopeRules(), ...extraFiles };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return checkModuleBoundaries(dir).violations.map(formatViolation);
}

describe('module boundaries checker on a fixture tree', () => {
  it('accepts a tree that keeps the rules (domain on pure libs, app on its domain and the runtime, tests on everything)', () => {
    expect(checkTree({})).toEqual([]);
  });

  it('rejects a service importing another service, relative path and all', () => {
    const violations = checkTree({
      'services/beta/src/app/uses-alpha.ts': "// wiring\nimport { alpha } from '../../../alpha/src/app/definition';\nexport const x = alpha;\n",
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^services\/beta\/src\/app\/uses-alpha\.ts:2: \[dep-constraint\] beta .* imports alpha .*scope:beta may depend only on \[scope:beta, scope:shared\]/);
  });

  it("rejects a service importing another service's domain", () => {
    const violations = checkTree({ 'services/beta/src/app/peek.ts': "import type { decide } from '../../../alpha/src/domain/decide';\nexport type D = typeof decide;\n" });
    expect(violations).toEqual([expect.stringMatching(/^services\/beta\/src\/app\/peek\.ts:1: \[dep-constraint\] beta .* imports alpha-domain/)]);
  });

  it('rejects domain code importing kafkajs, @nestjs/*, node:fs', () => {
    const violations = checkTree({
      'services/alpha/src/domain/publish.ts': "import { Kafka } from 'kafkajs';\nimport { Injectable } from '@nestjs/common';\nimport { readFileSync } from 'node:fs';\nexport const k = [Kafka, Injectable, readFileSync];\n",
    });
    expect(violations).toEqual([
      expect.stringMatching(/^services\/alpha\/src\/domain\/publish\.ts:1: \[banned-import\] alpha-domain .* must not import 'kafkajs'/),
      expect.stringMatching(/^services\/alpha\/src\/domain\/publish\.ts:2: \[banned-import\] .*'@nestjs\/common' .*'@nestjs\/\*'/),
      expect.stringMatching(/^services\/alpha\/src\/domain\/publish\.ts:3: \[banned-import\] .*'node:fs'/),
    ]);
  });

  it('rejects domain code reading the clock or making random ids, and allows new Date(ms)', () => {
    const violations = checkTree({
      'services/alpha/src/domain/stamp.ts': [
        'export const at = (nowMs: number) => new Date(nowMs).toISOString();',
        'export const now = () => Date.now();',
        'export const today = () => new Date();',
        'export const id = () => `u-${Math.random()}`;',
      ].join('\n'),
    });
    expect(violations).toEqual([
      expect.stringMatching(/^services\/alpha\/src\/domain\/stamp\.ts:2: \[banned-call\] alpha-domain .* calls Date\.now\(\)/),
      expect.stringMatching(/^services\/alpha\/src\/domain\/stamp\.ts:3: \[banned-call\] .* calls new Date\(\)/),
      expect.stringMatching(/^services\/alpha\/src\/domain\/stamp\.ts:4: \[banned-call\] .* calls Math\.random\(\)/),
    ]);
  });

  it('tells the pure @billing/eventsourcing entry from the @billing/runtime entry of the same folder', () => {
    const violations = checkTree({ 'services/alpha/src/domain/runtime.ts': "import { kafka } from '@billing/runtime';\nexport const k = kafka;\n" });
    expect(violations).toEqual([
      expect.stringMatching(/^services\/alpha\/src\/domain\/runtime\.ts:1: \[dep-constraint\] alpha-domain .* imports eventsourcing .*type:domain may depend only on/),
      expect.stringMatching(/^services\/alpha\/src\/domain\/runtime\.ts:1: \[dep-constraint\] alpha-domain .* imports eventsourcing .*purity:pure may depend only on/),
    ]);
  });

  it('rejects a lib importing a service, and a file that belongs to no project', () => {
    const violations = checkTree({
      'libs/money/src/leak.ts': "export { alpha } from '../../../services/alpha/src/app/definition';\n",
      'loose/orphan.ts': 'export const orphan = 1;\n',
    });
    expect(violations).toEqual([
      expect.stringMatching(/^libs\/money\/src\/leak\.ts:1: \[dep-constraint\] money .* imports alpha .*scope:shared may depend only on \[scope:shared\]/),
      expect.stringMatching(/^libs\/money\/src\/leak\.ts:1: \[dep-constraint\] money .* imports alpha .*type:lib may depend only on \[type:lib\]/),
      expect.stringMatching(/^libs\/money\/src\/leak\.ts:1: \[dep-constraint\] money .* imports alpha .*purity:pure may depend only on \[purity:pure\]/),
      expect.stringMatching(/^loose\/orphan\.ts:1: \[no-project\]/),
    ]);
  });

  it('rejects a domain project that is not tagged pure', () => {
    const violations = checkTree({ 'services/alpha/src/domain/project.json': project('alpha-domain', ['scope:alpha', 'type:domain']) });
    expect(violations).toEqual([expect.stringMatching(/^services\/alpha\/src\/domain\/project\.json:1: \[tags\] .*must also carry purity:pure/)]);
  });
});
