// The project runs on Node 24: the tests themselves must run on it (npm test goes through scripts/node24.sh, which
// fetches Node 24 when the machine's node is older), and the places that pin it must agree with one another.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const majorOf = (version: string): number => Number(/^v?(\d+)\./.exec(version)?.[1]);

const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const engineMajorMin = Number(/^>=(\d+)$/.exec(engines)?.[1]);

describe('Node version', () => {
  it('package.json engines names a minimum major', () => {
    expect(engineMajorMin).toBeGreaterThanOrEqual(24);
  });

  it(`jest runs on Node >= engines (this run: ${process.version})`, () => {
    expect(majorOf(process.versions.node)).toBeGreaterThanOrEqual(engineMajorMin);
  });

  it('.nvmrc, scripts/node24.sh and the Dockerfile pin the same major as engines', () => {
    expect(read('.nvmrc').trim()).toBe(String(engineMajorMin));
    const bootstrap = read('scripts/node24.sh');
    expect(/^BILLING_NODE_MAJOR_MIN=(\d+)$/m.exec(bootstrap)?.[1]).toBe(String(engineMajorMin));
    expect(majorOf(/^BILLING_NODE_VERSION=(\S+)$/m.exec(bootstrap)?.[1] ?? '')).toBe(engineMajorMin);
    expect(/^ARG NODE_IMAGE=node:(\d+)-/m.exec(read('Dockerfile'))?.[1]).toBe(String(engineMajorMin));
  });
});
