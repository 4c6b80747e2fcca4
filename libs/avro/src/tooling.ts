import * as avro from 'avsc';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import {
  Catalog,
  CATALOG_FILE,
  catalogText,
  CatalogVersion,
  committedCatalog,
  CommittedCatalog,
  committedFileText,
  fingerprintOf,
  historyPath,
  isPublished,
  readCatalog,
  readFrozenType,
} from './catalog';
import { generateTypeScript } from './codegen';
import { backwardProblems, conventionProblems } from './compatibility';
import { SchemaConfigurationError } from './errors';
import { parseSchema, SchemaSet } from './schema-set';

export interface ToolingOptions {
  /** Which catalog versions are published; defaults to what git HEAD holds (see schemas/README.md, drafts). */
  readonly committed?: CommittedCatalog;
}

export interface GenerateReport {
  /** Files written, relative to the schema directory. */
  readonly written: string[];
  /** `subject vN (id I)` appended or rewritten as drafts. */
  readonly versions: string[];
  /** Problems that stopped a subject's new version (incompatible change, convention breach). Non-empty = failure. */
  readonly problems: string[];
  readonly notes: string[];
}

export interface CheckReport {
  readonly problems: string[];
  readonly notes: string[];
}

const LOCK_FILE = '.generate.lock';
const LOCK_WAIT_MS = 30_000;
const LOCK_STALE_MS = 120_000;

/**
 * `npm run schemas:generate`: regenerates TypeScript into generated/ and brings catalog.json up to date: a
 * subject whose current schema differs from its newest version gets a new version with the next id, only when
 * the current schema reads every published version (draft versions, not yet at git HEAD, are rewritten in place).
 */
export function generateSchemas(dir: string, options: ToolingOptions = {}): GenerateReport {
  return withLock(dir, () => {
    const set = SchemaSet.load(dir);
    const committed = options.committed ?? committedCatalog(dir);
    const report: GenerateReport = { written: [], versions: [], problems: [], notes: [] };
    report.notes.push(...set.topicsWithoutSchema.map((t) => `no value schema yet for topic ${t}: skipped`));
    for (const claim of set.undeclaredTopics) report.problems.push(`topic ${claim} is not declared in topics.json`);
    const conventions = conventionProblems(set);
    report.problems.push(...conventions);

    const catalog = readCatalog(dir);
    const subjects: Record<string, { record: string; versions: CatalogVersion[] }> = {};
    for (const [name, entry] of Object.entries(catalog.subjects)) subjects[name] = { record: entry.record, versions: [...entry.versions] };
    let nextId = 1 + Math.max(0, ...allIds(catalog), ...(committed.kind === 'committed' ? allIds(committed.catalog) : []));
    const historyWrites = new Map<string, string>();
    const historyDeletes: string[] = [];

    if (conventions.length === 0) {
      for (const binding of [...set.subjects.values()].sort((a, b) => a.subject.localeCompare(b.subject))) {
        const text = set.bundleText(binding.record);
        const current = parseSchema(JSON.parse(text));
        const entry = (subjects[binding.subject] ??= { record: binding.record, versions: [] });
        const newest = entry.versions[entry.versions.length - 1];
        if (newest && sameSchemaText(readHistory(dir, newest.path), text)) {
          entry.record = binding.record;
          continue;
        }
        const incompatible: string[] = [];
        for (const version of entry.versions) {
          if (!isPublished(committed, binding.subject, version)) continue;
          for (const problem of backwardProblems(current, readFrozenType(dir, version))) incompatible.push(`${binding.subject} v${version.version}: ${problem}`);
        }
        if (incompatible.length > 0) {
          report.problems.push(
            `${binding.subject}: the current schema cannot read data written with published versions; no new version written:\n      ${incompatible.join('\n      ')}`,
          );
          continue;
        }
        const draft = newest !== undefined && !isPublished(committed, binding.subject, newest);
        const version: CatalogVersion = draft
          ? { ...newest, fingerprint: fingerprintOf(current) }
          : { version: (newest?.version ?? 0) + 1, id: nextId++, fingerprint: fingerprintOf(current), path: historyPath(binding.subject, (newest?.version ?? 0) + 1) };
        entry.record = binding.record;
        if (draft) entry.versions[entry.versions.length - 1] = version;
        else entry.versions.push(version);
        historyWrites.set(version.path, text);
        report.versions.push(`${binding.subject} v${version.version} (id ${version.id})${draft ? ' rewritten as a draft' : ' appended'}`);
      }
      for (const [subject, entry] of Object.entries(subjects)) {
        if (set.subjects.has(subject)) continue;
        const published = entry.versions.filter((v) => isPublished(committed, subject, v));
        if (published.length === 0) {
          historyDeletes.push(...entry.versions.map((v) => v.path));
          delete subjects[subject];
          report.notes.push(`${subject}: draft subject with no schema any more, removed from the catalog`);
        } else {
          report.problems.push(`${subject}: published in the catalog but no .avsc claims topic ${subject.replace(/-value$/, '')} any more`);
        }
      }
    } else {
      report.notes.push('convention problems: catalog left unchanged');
    }

    // Write: history first, then the catalog that points at it, then the generated types.
    for (const [path, text] of historyWrites) writeAtomically(join(dir, path), text, report);
    for (const path of historyDeletes) rmSync(join(dir, path), { force: true });
    const nextCatalog: Catalog = { subjects };
    const nextCatalogText = catalogText(nextCatalog);
    if (readIfExists(join(dir, CATALOG_FILE)) !== nextCatalogText) writeAtomically(join(dir, CATALOG_FILE), nextCatalogText, report);
    const generated = generateTypeScript(set);
    for (const [path, text] of generated) if (readIfExists(join(dir, path)) !== text) writeAtomically(join(dir, path), text, report);
    for (const stale of listFiles(join(dir, 'generated'), dir)) {
      if (stale.endsWith('.ts') && !generated.has(stale)) {
        rmSync(join(dir, stale), { force: true });
        report.notes.push(`removed stale ${stale}`);
      }
    }
    return report;
  });
}

/**
 * `npm run schemas:check`: (1) generated types and catalog are up to date, (2) each subject's current schema reads
 * every catalog version (backward transitive, added fields need defaults), (3) ids are unique and committed ids,
 * versions and frozen copies unchanged. Also the conventions of schemas/README.md.
 */
export function checkSchemas(dir: string, options: ToolingOptions = {}): CheckReport {
  const report: CheckReport = { problems: [], notes: [] };
  let set: SchemaSet;
  try {
    set = SchemaSet.load(dir);
  } catch (error) {
    report.problems.push((error as Error).message);
    return report;
  }
  report.notes.push(...set.topicsWithoutSchema.map((t) => `no value schema yet for topic ${t}: skipped`));
  for (const claim of set.undeclaredTopics) report.problems.push(`topic ${claim} is not declared in topics.json`);
  report.problems.push(...conventionProblems(set));

  // (1) generated types are what generation would write now.
  const generated = generateTypeScript(set);
  for (const [path, text] of generated) {
    const onDisk = readIfExists(join(dir, path));
    if (onDisk === undefined) report.problems.push(`${path} is missing: run npm run schemas:generate`);
    else if (onDisk !== text) report.problems.push(`${path} is out of date: run npm run schemas:generate`);
  }
  for (const path of listFiles(join(dir, 'generated'), dir)) {
    if (path.endsWith('.ts') && !generated.has(path)) report.problems.push(`${path} has no schema any more: run npm run schemas:generate`);
  }

  // (3) catalog ids unique, versions consecutive, frozen copies intact.
  let catalog: Catalog;
  try {
    catalog = readCatalog(dir);
  } catch (error) {
    report.problems.push((error as Error).message);
    return report;
  }
  const writers = new Map<string, avro.Type>();
  const idOwners = new Map<number, string>();
  for (const [subject, entry] of Object.entries(catalog.subjects)) {
    entry.versions.forEach((version, index) => {
      const label = `${subject} v${version.version} (id ${version.id})`;
      if (version.version !== index + 1) report.problems.push(`${subject}: versions must be 1..n in order, found v${version.version} at position ${index + 1}`);
      if (!Number.isInteger(version.id) || version.id < 1 || version.id > 0x7fffffff) report.problems.push(`${label}: id must be a positive 31-bit integer`);
      const owner = idOwners.get(version.id);
      if (owner) report.problems.push(`${label}: id ${version.id} is also used by ${owner}`);
      idOwners.set(version.id, label);
      try {
        const type = readFrozenType(dir, version);
        writers.set(`${subject}#${version.version}`, type);
        if (fingerprintOf(type) !== version.fingerprint) report.problems.push(`${label}: ${version.path} no longer matches fingerprint ${version.fingerprint}`);
      } catch (error) {
        report.problems.push(`${label}: ${(error as Error).message}`);
      }
    });
  }

  // (2) every subject reads every version; the catalog holds the current schema as its newest version.
  for (const binding of [...set.subjects.values()].sort((a, b) => a.subject.localeCompare(b.subject))) {
    const entry = catalog.subjects[binding.subject];
    if (!entry || entry.versions.length === 0) {
      report.problems.push(`${binding.subject} is not in ${CATALOG_FILE}: run npm run schemas:generate`);
      continue;
    }
    const reader = set.typeOf(binding.record);
    for (const version of entry.versions) {
      const writer = writers.get(`${binding.subject}#${version.version}`);
      if (!writer) continue;
      for (const problem of backwardProblems(reader, writer)) {
        report.problems.push(`${binding.subject}: cannot read v${version.version} (id ${version.id}): ${problem}`);
      }
    }
    const newest = entry.versions[entry.versions.length - 1];
    if (!sameSchemaText(readHistory(dir, newest.path), set.bundleText(binding.record))) {
      report.problems.push(`${binding.subject}: the .avsc differs from catalog v${newest.version}: run npm run schemas:generate`);
    }
  }
  for (const [subject, entry] of Object.entries(catalog.subjects)) {
    if (!set.subjects.has(subject)) report.problems.push(`${subject} (${entry.versions.length} versions) is in ${CATALOG_FILE} but no .avsc claims its topic`);
  }

  // (3) stable: what HEAD published is still here, unchanged.
  const committed = options.committed ?? committedCatalog(dir);
  if (committed.kind === 'committed') {
    for (const [subject, entry] of Object.entries(committed.catalog.subjects)) {
      for (const version of entry.versions) {
        const now = catalog.subjects[subject]?.versions.find((v) => v.version === version.version);
        if (!now) report.problems.push(`${subject} v${version.version} (id ${version.id}) is committed but was removed from ${CATALOG_FILE}`);
        else if (now.id !== version.id || now.fingerprint !== version.fingerprint || now.path !== version.path) {
          report.problems.push(`${subject} v${version.version}: committed id ${version.id} / ${version.fingerprint} changed to id ${now.id} / ${now.fingerprint}`);
        } else if (options.committed === undefined) {
          const before = committedFileText(dir, version.path);
          if (before !== undefined && !sameSchemaText(before, readHistory(dir, version.path) ?? '')) report.problems.push(`${version.path} was edited after it was committed`);
        }
      }
    }
  } else {
    report.notes.push(committed.kind === 'no-git' ? 'not a git work tree: id stability against HEAD not checked' : `${CATALOG_FILE} is not committed yet: every version is a draft`);
  }
  return report;
}

function allIds(catalog: Catalog): number[] {
  return Object.values(catalog.subjects).flatMap((entry) => entry.versions.map((v) => v.id));
}

/** Same schema when the JSON is equal; whitespace in a frozen copy does not matter. */
function sameSchemaText(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function readHistory(dir: string, path: string): string | undefined {
  return readIfExists(join(dir, path));
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function writeAtomically(path: string, text: string, report: GenerateReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
  report.written.push(path);
}

function listFiles(dir: string, root: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, root));
    else found.push(relative(root, path).split(sep).join('/'));
  }
  return found;
}

/** One generate at a time per schema directory: engineers share a work tree. */
function withLock<T>(dir: string, work: () => T): T {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new SchemaConfigurationError(`${lock} held for over ${LOCK_WAIT_MS} ms: another schemas:generate is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return work();
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
