import * as avro from 'avsc';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { SchemaConfigurationError } from './errors';
import { parseSchema } from './schema-set';

export const CATALOG_FILE = 'catalog.json';

export interface CatalogVersion {
  readonly version: number;
  /** Global schema id: the 4 bytes after the magic byte. Never reused, never changed once committed. */
  readonly id: number;
  /** `sha256:<hex>` of the Parsing Canonical Form. */
  readonly fingerprint: string;
  /** Frozen self-contained copy, relative to the schema directory: history/<subject>/v<N>.avsc */
  readonly path: string;
}

export interface CatalogSubject {
  /** Full name of the value record. */
  readonly record: string;
  readonly versions: readonly CatalogVersion[];
}

export interface Catalog {
  readonly subjects: Readonly<Record<string, CatalogSubject>>;
}

export const EMPTY_CATALOG: Catalog = { subjects: {} };

export function historyPath(subject: string, version: number): string {
  return `history/${subject}/v${version}.avsc`;
}

/** `sha256:<hex>` of a type's Parsing Canonical Form (what the wire format depends on). */
export function fingerprintOf(type: avro.Type): string {
  return `sha256:${type.fingerprint('sha256').toString('hex')}`;
}

export function parseCatalog(text: string, source: string): Catalog {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SchemaConfigurationError(`${source}: not JSON (${(error as Error).message})`);
  }
  const subjects = (document as { subjects?: unknown }).subjects;
  if (subjects === null || typeof subjects !== 'object') throw new SchemaConfigurationError(`${source}: no "subjects" object`);
  return { subjects: subjects as Record<string, CatalogSubject> };
}

export function readCatalog(dir: string): Catalog {
  const path = join(dir, CATALOG_FILE);
  if (!existsSync(path)) return EMPTY_CATALOG;
  return parseCatalog(readFileSync(path, 'utf8'), path);
}

/** The catalog's text as written to disk: subjects sorted, stable formatting, so diffs stay reviewable. */
export function catalogText(catalog: Catalog): string {
  const subjects: Record<string, CatalogSubject> = {};
  for (const name of Object.keys(catalog.subjects).sort()) subjects[name] = catalog.subjects[name];
  const document = {
    $comment:
      'Written by `npm run schemas:generate`; do not edit. Each version of each subject has a fixed schema id (the 4 bytes after the magic byte). Committed ids never change. See schemas/README.md.',
    subjects,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export type CommittedCatalog =
  | { readonly kind: 'committed'; readonly catalog: Catalog }
  /** In a git work tree whose HEAD has no catalog: nothing is published yet, every version is a draft. */
  | { readonly kind: 'none-committed' }
  /** Not a git work tree (a copy, a test directory): every version counts as published. */
  | { readonly kind: 'no-git' };

/** The catalog as committed at git HEAD, which decides which versions are drafts. */
export function committedCatalog(dir: string): CommittedCatalog {
  let top: string;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return { kind: 'no-git' };
  }
  const rel = relative(top, join(dir, CATALOG_FILE)).split(sep).join('/');
  try {
    const text = execFileSync('git', ['show', `HEAD:${rel}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    return { kind: 'committed', catalog: parseCatalog(text, `HEAD:${rel}`) };
  } catch {
    return { kind: 'none-committed' };
  }
}

/** True when `version` of `subject` is published: committed at HEAD (or no git to tell). */
export function isPublished(committed: CommittedCatalog, subject: string, version: CatalogVersion): boolean {
  if (committed.kind === 'no-git') return true;
  if (committed.kind === 'none-committed') return false;
  const entry = committed.catalog.subjects[subject]?.versions.find((v) => v.version === version.version);
  return entry !== undefined && entry.id === version.id;
}

/** The text of a frozen version as committed at HEAD (to prove it did not change), or undefined. */
export function committedFileText(dir: string, relPath: string): string | undefined {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const rel = relative(top, join(dir, relPath)).split(sep).join('/');
    return execFileSync('git', ['show', `HEAD:${rel}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Parses a frozen history copy into a writer type. */
export function readFrozenType(dir: string, version: CatalogVersion): avro.Type {
  const path = join(dir, version.path);
  if (!existsSync(path)) throw new SchemaConfigurationError(`frozen schema ${version.path} (id ${version.id}) is missing`);
  return parseSchema(JSON.parse(readFileSync(path, 'utf8')));
}

export function schemaDirOfCatalog(catalogPath: string): string {
  return dirname(catalogPath);
}
