import * as avro from 'avsc';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SchemaConfigurationError } from './errors';
import { exactLongType, logicalTypes } from './logical-types';

/** Limits on what a schema directory may hold: generation and checks walk all of it. */
export const SCHEMA_FILES_MAX = 2_000;
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const GENERATED_DIR = 'generated';
const HISTORY_DIR = 'history';

/** Folders under schemas/ that never hold source .avsc files. */
const NON_SOURCE_DIRS = new Set([GENERATED_DIR, HISTORY_DIR, 'node_modules']);

export interface SchemaFile {
  /** billing.<service>.<Name> */
  readonly fullName: string;
  readonly shortName: string;
  readonly namespace: string;
  /** Path relative to the schema directory, with forward slashes. */
  readonly path: string;
  /** The file's JSON exactly as written. */
  readonly json: Record<string, unknown>;
  /** Topic names or `*` globs this record is the value schema of (its `topics` attribute). */
  readonly topics: readonly string[];
  /** Full names of the named types it references. */
  readonly references: readonly string[];
}

export interface TopicDeclarationLite {
  readonly name: string;
  readonly owner?: string;
}

export interface SubjectBinding {
  readonly subject: string;
  readonly topic: string;
  /** Full name of the topic's value record. */
  readonly record: string;
}

/** The subject of a topic's values (Confluent TopicNameStrategy). Keys are plain strings: no key subjects. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * Options passed to every avsc Type.forSchema in this project, explicitly: our logical types, invalid logical
 * types fail loudly, and unions are wrapped except the nullable `["null", X]` pair (see schemas/README.md).
 */
export function forSchemaOptions(registry: Record<string, avro.Type> = {}): Partial<avro.ForSchemaOptions> {
  return {
    registry,
    logicalTypes,
    assertLogicalTypes: true,
    wrapUnions: 'auto',
    typeHook: wrapNonNullableUnions,
  };
}

function wrapNonNullableUnions(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  // Plain longs (not under a logical type) use the exact long; see exactLongType.
  if (schema === 'long') return exactLongType;
  if (isPlainLongObject(schema)) return exactLongType;
  if (!Array.isArray(schema)) return undefined;
  const nullable = schema.length === 2 && schema.some((branch) => branch === 'null');
  if (nullable) return undefined; // avsc's 'auto' unwraps null + one type: `X | null`.
  return new avro.types.WrappedUnionType(schema, opts);
}

function isPlainLongObject(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return false;
  const node = schema as { type?: unknown; logicalType?: unknown };
  return node.type === 'long' && node.logicalType === undefined;
}

/** Parses one self-contained schema (a frozen history copy, a registry answer) with the project's options. */
export function parseSchema(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, forSchemaOptions({}) as avro.ForSchemaOptions);
}

/**
 * Every .avsc under a schema directory, parsed in dependency order into one avsc registry, plus the binding of
 * each topic in topics.json to its value record. Throws SchemaConfigurationError listing every problem found.
 */
export class SchemaSet {
  private readonly typesByName: Map<string, avro.Type>;

  private constructor(
    readonly dir: string,
    readonly files: ReadonlyMap<string, SchemaFile>,
    typesByName: Map<string, avro.Type>,
    readonly topics: readonly TopicDeclarationLite[],
    readonly subjects: ReadonlyMap<string, SubjectBinding>,
    /** Topics with no value schema yet: skipped, not an error. */
    readonly topicsWithoutSchema: readonly string[],
    /** Records claiming a topic that topics.json does not declare. */
    readonly undeclaredTopics: readonly string[],
  ) {
    this.typesByName = typesByName;
  }

  static load(dir: string = defaultSchemasDir()): SchemaSet {
    const root = resolve(dir);
    const problems: string[] = [];
    const files = readSchemaFiles(root, problems);
    const order = dependencyOrder(files, problems);
    const registry: Record<string, avro.Type> = {};
    const typesByName = new Map<string, avro.Type>();
    for (const file of order) {
      try {
        typesByName.set(file.fullName, avro.Type.forSchema(file.json as avro.Schema, forSchemaOptions(registry) as avro.ForSchemaOptions));
      } catch (error) {
        problems.push(`${file.path}: ${(error as Error).message}`);
      }
    }
    const topics = readTopics(root, problems);
    const { subjects, topicsWithoutSchema, undeclaredTopics } = bindTopics(topics, files, problems);
    if (problems.length > 0) {
      throw new SchemaConfigurationError(`schemas in ${root} do not load:\n  - ${problems.join('\n  - ')}`);
    }
    return new SchemaSet(root, files, typesByName, topics, subjects, topicsWithoutSchema, undeclaredTopics);
  }

  /** The avsc Type of a named type (built with the shared registry and logical types). */
  typeOf(fullName: string): avro.Type {
    const type = this.typesByName.get(fullName);
    if (!type) throw new SchemaConfigurationError(`no schema defines ${fullName}`);
    return type;
  }

  /** The current (reader) type of a subject, e.g. `sample.events.v1-value`. */
  typeForSubject(subject: string): avro.Type {
    const binding = this.subjects.get(subject);
    if (!binding) throw new SchemaConfigurationError(`no schema for subject ${subject} (no record in ${this.dir} claims its topic)`);
    return this.typeOf(binding.record);
  }

  /**
   * The self-contained JSON of a named type: every referenced named type defined inline at its first use, with
   * its namespace, so the text stands alone (history copies, registry registration).
   */
  bundle(fullName: string): Record<string, unknown> {
    const defined = new Set<string>();
    const inline = (name: string): unknown => {
      const file = this.files.get(name);
      if (!file) throw new SchemaConfigurationError(`no schema defines ${name}`);
      defined.add(name);
      const { topics: _topics, ...json } = file.json; // topic binding is repository metadata, not schema
      return mapTypeRefs(json, file.namespace, (ref) => {
        if (defined.has(ref) || !this.files.has(ref)) return ref;
        return inline(ref);
      });
    };
    return inline(fullName) as Record<string, unknown>;
  }

  /** The bundle as the exact text stored under history/ and registered with a registry. */
  bundleText(fullName: string): string {
    return `${JSON.stringify(this.bundle(fullName), null, 2)}\n`;
  }
}

/** schemas/ of this repository: $BILLING_SCHEMAS_DIR, else the nearest ancestor holding schemas/topics.json. */
export function defaultSchemasDir(): string {
  const fromEnv = process.env.BILLING_SCHEMAS_DIR;
  if (fromEnv) return resolve(fromEnv);
  for (const start of [__dirname, process.cwd()]) {
    let current = resolve(start);
    for (;;) {
      if (existsSync(join(current, 'schemas', 'topics.json'))) return join(current, 'schemas');
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return resolve(process.cwd(), 'schemas');
}

function readSchemaFiles(root: string, problems: string[]): Map<string, SchemaFile> {
  const files = new Map<string, SchemaFile>();
  const paths = listAvsc(root, root);
  if (paths.length > SCHEMA_FILES_MAX) problems.push(`${paths.length} .avsc files exceed SCHEMA_FILES_MAX ${SCHEMA_FILES_MAX}`);
  for (const path of paths) {
    const rel = relative(root, path).split(sep).join('/');
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      problems.push(`${rel}: not JSON (${(error as Error).message})`);
      continue;
    }
    const type = json.type;
    if (type !== 'record' && type !== 'enum' && type !== 'fixed') {
      problems.push(`${rel}: a file holds one named type (record, enum or fixed), got ${JSON.stringify(type)}`);
      continue;
    }
    const name = String(json.name ?? '');
    const namespace = typeof json.namespace === 'string' ? json.namespace : '';
    const fullName = name.includes('.') ? name : `${namespace}.${name}`;
    const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
    const fileBase = rel.slice(rel.lastIndexOf('/') + 1).replace(/\.avsc$/, '');
    const folder = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '';
    if (name.includes('.') || !namespace) problems.push(`${rel}: use "name": "${shortName}" with "namespace": "billing.${folder}"`);
    if (fileBase !== shortName) problems.push(`${rel}: file name must be the type name (${shortName}.avsc)`);
    if (namespace !== `billing.${folder}` || rel.split('/').length !== 2) {
      problems.push(`${rel}: must live at schemas/<service>/<Name>.avsc with namespace billing.<service> (expected billing.${folder})`);
    }
    if (files.has(fullName)) {
      problems.push(`${rel}: ${fullName} is already defined in ${files.get(fullName)?.path}`);
      continue;
    }
    const topics = json.topics;
    if (topics !== undefined && (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string') || type !== 'record')) {
      problems.push(`${rel}: "topics" must be an array of topic names on a record`);
    }
    files.set(fullName, {
      fullName,
      shortName,
      namespace: fullName.slice(0, fullName.lastIndexOf('.')),
      path: rel,
      json,
      topics: Array.isArray(topics) ? (topics as string[]) : [],
      references: collectRefs(json, fullName.slice(0, fullName.lastIndexOf('.'))),
    });
  }
  const byShortName = new Map<string, string>();
  for (const file of files.values()) {
    const other = byShortName.get(file.shortName);
    if (other) problems.push(`${file.path}: short name ${file.shortName} is also used by ${other} (generated TypeScript names must be unique)`);
    byShortName.set(file.shortName, file.path);
  }
  return files;
}

function listAvsc(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (dir === root && NON_SOURCE_DIRS.has(entry)) continue;
      found.push(...listAvsc(root, path));
    } else if (entry.endsWith('.avsc')) {
      found.push(path);
    }
  }
  return found;
}

/** Rewrites every type reference (a string naming a non-primitive type) in a schema; qualifies relative names. */
export function mapTypeRefs(schema: unknown, namespace: string, map: (fullName: string) => unknown): unknown {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return schema;
    return map(schema.includes('.') ? schema : namespace ? `${namespace}.${schema}` : schema);
  }
  if (Array.isArray(schema)) return schema.map((branch) => mapTypeRefs(branch, namespace, map));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...node };
  switch (node.type) {
    case 'record':
    case 'error': {
      const inner = namespaceOf(node, namespace);
      out.fields = (node.fields as Record<string, unknown>[]).map((field) => ({ ...field, type: mapTypeRefs(field.type, inner, map) }));
      return out;
    }
    case 'array':
      out.items = mapTypeRefs(node.items, namespace, map);
      return out;
    case 'map':
      out.values = mapTypeRefs(node.values, namespace, map);
      return out;
    case 'enum':
    case 'fixed':
      return out;
    default:
      // {"type": "<primitive or reference>", ...}: a primitive with attributes (logical types) or a wrapped reference.
      if (typeof node.type === 'string' && !PRIMITIVES.has(node.type)) out.type = mapTypeRefs(node.type, namespace, map);
      return out;
  }
}

function namespaceOf(node: Record<string, unknown>, enclosing: string): string {
  const name = String(node.name ?? '');
  if (name.includes('.')) return name.slice(0, name.lastIndexOf('.'));
  return typeof node.namespace === 'string' ? node.namespace : enclosing;
}

function collectRefs(json: Record<string, unknown>, namespace: string): string[] {
  const refs = new Set<string>();
  mapTypeRefs(json, namespace, (ref) => {
    refs.add(ref);
    return ref;
  });
  return [...refs].sort();
}

function dependencyOrder(files: Map<string, SchemaFile>, problems: string[]): SchemaFile[] {
  const order: SchemaFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: SchemaFile, trail: string[]): void => {
    const seen = state.get(file.fullName);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      problems.push(`reference cycle: ${[...trail, file.fullName].join(' -> ')}`);
      return;
    }
    state.set(file.fullName, 'visiting');
    for (const ref of file.references) {
      const dependency = files.get(ref);
      if (!dependency) {
        problems.push(`${file.path}: references ${ref}, which no .avsc defines (use full names, e.g. billing.platform.Money)`);
        continue;
      }
      visit(dependency, [...trail, file.fullName]);
    }
    state.set(file.fullName, 'done');
    order.push(file);
  };
  for (const file of files.values()) visit(file, []);
  return order;
}

function readTopics(root: string, problems: string[]): TopicDeclarationLite[] {
  const path = join(root, 'topics.json');
  if (!existsSync(path)) {
    problems.push(`${path} is missing`);
    return [];
  }
  try {
    const document = JSON.parse(readFileSync(path, 'utf8')) as { topics?: TopicDeclarationLite[] };
    return (document.topics ?? []).map((t) => ({ name: t.name, owner: t.owner }));
  } catch (error) {
    problems.push(`topics.json: ${(error as Error).message}`);
    return [];
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function bindTopics(topics: readonly TopicDeclarationLite[], files: Map<string, SchemaFile>, problems: string[]) {
  const subjects = new Map<string, SubjectBinding>();
  const topicsWithoutSchema: string[] = [];
  const declared = new Set(topics.map((t) => t.name));
  const undeclaredTopics: string[] = [];
  for (const file of files.values()) {
    for (const claim of file.topics) if (!claim.includes('*') && !declared.has(claim)) undeclaredTopics.push(`${claim} (claimed by ${file.path})`);
  }
  for (const topic of [...topics].sort((a, b) => a.name.localeCompare(b.name))) {
    const exact = [...files.values()].filter((f) => f.topics.includes(topic.name));
    const globbed = [...files.values()].filter((f) => f.topics.some((t) => t.includes('*') && globToRegExp(t).test(topic.name)));
    const claimants = exact.length > 0 ? exact : globbed;
    if (claimants.length === 0) {
      topicsWithoutSchema.push(topic.name);
      continue;
    }
    if (claimants.length > 1) {
      problems.push(`topic ${topic.name} is claimed by ${claimants.map((f) => f.path).join(' and ')}: one value schema per topic`);
      continue;
    }
    subjects.set(valueSubject(topic.name), { subject: valueSubject(topic.name), topic: topic.name, record: claimants[0].fullName });
  }
  return { subjects, topicsWithoutSchema, undeclaredTopics };
}

let defaultSet: SchemaSet | undefined;

/** Loads (and caches, for the default directory) the schema set. */
export function loadSchemas(dir?: string): SchemaSet {
  if (dir !== undefined) return SchemaSet.load(dir);
  defaultSet ??= SchemaSet.load();
  return defaultSet;
}

/** The current avsc Type of a subject in the default schema directory. */
export function typeForSubject(subject: string): avro.Type {
  return loadSchemas().typeForSubject(subject);
}
