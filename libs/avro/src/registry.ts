import * as avro from 'avsc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, readFrozenType, Catalog } from './catalog';
import { SchemaConfigurationError, SchemaRegistryUnavailable, UndecodableRecord } from './errors';
import { loadSchemas, parseSchema, SchemaSet } from './schema-set';

/** A writer schema found by id, with the subject it was registered under when the registry knows it. */
export interface WriterSchema {
  readonly id: number;
  readonly type: avro.Type;
  readonly subject: string | undefined;
  /** Full name of the writer's top-level type, to find a reader when the subject is unknown. */
  readonly name: string | undefined;
}

/**
 * Where schema ids come from. Encoding writes the subject's CURRENT schema (from the .avsc files) under its id;
 * decoding reads any historical writer schema by id and resolves it to the current reader schema.
 */
export interface SchemaRegistry {
  /** The current schemas (reader types). */
  readonly schemas: SchemaSet;
  /** The id of the subject's current schema (registering it first where the registry does that). */
  idForSubject(subject: string): Promise<number>;
  /**
   * The writer schema of an id. Throws UndecodableRecord('UNKNOWN_SCHEMA_ID') for an id it really does not know,
   * SchemaRegistryUnavailable when it cannot answer now (the caller retries; the record is not at fault).
   */
  writerForId(id: number): Promise<WriterSchema>;
  /** The version number of the subject's current schema (for the envelope's schemaVersion). */
  latestVersion(subject: string): Promise<number>;
}

/**
 * Ids from the committed schemas/catalog.json: no network. Refuses to encode a subject whose .avsc has moved
 * past the catalog's newest version (encoding new bytes under an old id would corrupt the topic).
 */
export class CatalogSchemaRegistry implements SchemaRegistry {
  private readonly writers = new Map<number, WriterSchema>();
  private readonly current = new Map<string, { id: number; version: number }>();
  private readonly stale = new Map<string, string>();

  constructor(
    readonly schemas: SchemaSet = loadSchemas(),
    catalog: Catalog = readCatalog(schemas.dir),
  ) {
    for (const [subject, entry] of Object.entries(catalog.subjects)) {
      for (const version of entry.versions) {
        if (this.writers.has(version.id)) throw new SchemaConfigurationError(`catalog id ${version.id} is used twice`);
        const type = readFrozenType(schemas.dir, version);
        this.writers.set(version.id, { id: version.id, type, subject, name: type.name });
      }
      const newest = entry.versions[entry.versions.length - 1];
      if (!newest || !schemas.subjects.has(subject)) continue;
      const current = schemas.bundle(schemas.subjects.get(subject)!.record);
      const frozen = JSON.parse(readFileSync(join(schemas.dir, newest.path), 'utf8')) as unknown;
      if (JSON.stringify(current) !== JSON.stringify(frozen)) {
        this.stale.set(subject, `the .avsc of ${subject} differs from catalog version ${newest.version} (id ${newest.id}): run npm run schemas:generate`);
      } else {
        this.current.set(subject, { id: newest.id, version: newest.version });
      }
    }
  }

  async idForSubject(subject: string): Promise<number> {
    return this.currentOf(subject).id;
  }

  async writerForId(id: number): Promise<WriterSchema> {
    const writer = this.writers.get(id);
    if (!writer) throw new UndecodableRecord('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the catalog`, { schemaId: String(id) });
    return writer;
  }

  async latestVersion(subject: string): Promise<number> {
    return this.currentOf(subject).version;
  }

  private currentOf(subject: string): { id: number; version: number } {
    const found = this.current.get(subject);
    if (found) return found;
    throw new SchemaConfigurationError(this.stale.get(subject) ?? `subject ${subject} is not in the catalog: run npm run schemas:generate`);
  }
}

export interface HttpSchemaRegistryOptions {
  /** e.g. http://127.0.0.1:8081 or Apicurio's http://127.0.0.1:8081/apis/ccompat/v7 */
  readonly url: string;
  /** Register the current schema when the registry does not have it (Confluent's auto.register.schemas). */
  readonly autoRegister: boolean;
  /** `user:password` for HTTP basic auth, if the registry wants it. */
  readonly basicAuth?: string;
  readonly requestTimeoutMs: number;
}

const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** Confluent's error_code for "Schema not found" (Apicurio's ccompat API and Redpanda answer the same). */
const SCHEMA_NOT_FOUND = 40403;

/**
 * A Confluent-compatible schema registry over HTTP (Confluent, Apicurio's ccompat API, Redpanda). Ids are
 * cached: a registered id never changes.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly writers = new Map<number, Promise<WriterSchema>>();
  private readonly baseUrl: string;

  constructor(
    private readonly options: HttpSchemaRegistryOptions,
    readonly schemas: SchemaSet = loadSchemas(),
  ) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  idForSubject(subject: string): Promise<number> {
    let id = this.ids.get(subject);
    if (!id) {
      id = this.lookupOrRegister(subject);
      id.catch(() => this.ids.delete(subject)); // a failed request is retried next time
      this.ids.set(subject, id);
    }
    return id;
  }

  writerForId(id: number): Promise<WriterSchema> {
    let writer = this.writers.get(id);
    if (!writer) {
      writer = this.fetchWriter(id);
      writer.catch(() => this.writers.delete(id));
      this.writers.set(id, writer);
    }
    return writer;
  }

  async latestVersion(subject: string): Promise<number> {
    const schema = this.currentText(subject);
    const found = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema });
    if (found.status === 200) return Number((found.body as { version: number }).version);
    throw new SchemaConfigurationError(`registry does not hold the current schema of ${subject} (HTTP ${found.status})`);
  }

  private currentText(subject: string): string {
    const binding = this.schemas.subjects.get(subject);
    if (!binding) throw new SchemaConfigurationError(`no schema for subject ${subject}`);
    return JSON.stringify(this.schemas.bundle(binding.record));
  }

  private async lookupOrRegister(subject: string): Promise<number> {
    const schema = this.currentText(subject);
    const found = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema });
    if (found.status === 200) return Number((found.body as { id: number }).id);
    if (!this.options.autoRegister) {
      throw new SchemaConfigurationError(`registry does not hold the current schema of ${subject} (HTTP ${found.status}) and autoRegister is off`);
    }
    const registered = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    if (registered.status !== 200) {
      throw new SchemaConfigurationError(`registry refused the schema of ${subject}: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
    }
    return Number((registered.body as { id: number }).id);
  }

  private async fetchWriter(id: number): Promise<WriterSchema> {
    const answer = await this.request('GET', `/schemas/ids/${id}`);
    // Only the registry's own "schema not found" makes the record undecodable; a bare 404 (a wrong URL, a proxy)
    // is a configuration error, which the runtime retries rather than dead-lettering every record.
    if (answer.status === 404 && (answer.body as { error_code?: unknown } | undefined)?.error_code === SCHEMA_NOT_FOUND) {
      throw new UndecodableRecord('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`, { schemaId: String(id) });
    }
    if (answer.status !== 200) throw new SchemaConfigurationError(`registry answered HTTP ${answer.status} for schema id ${id}: ${JSON.stringify(answer.body)}`);
    const type = parseSchema(JSON.parse((answer.body as { schema: string }).schema));
    let subject: string | undefined;
    const versions = await this.request('GET', `/schemas/ids/${id}/versions`);
    if (versions.status === 200 && Array.isArray(versions.body) && versions.body.length === 1) {
      subject = (versions.body[0] as { subject: string }).subject;
    }
    return { id, type, subject, name: type.name };
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Accept: REGISTRY_CONTENT_TYPE };
    if (body !== undefined) headers['Content-Type'] = REGISTRY_CONTENT_TYPE;
    if (this.options.basicAuth) headers.Authorization = `Basic ${Buffer.from(this.options.basicAuth).toString('base64')}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Connection refused, reset, DNS, timeout: the registry cannot answer now.
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new SchemaRegistryUnavailable(`schema registry ${method} ${path} failed: ${(error as Error).message} (${cause})`, error);
    }
    if (response.status >= 500) throw new SchemaRegistryUnavailable(`schema registry ${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: response.status, body: parsed };
  }
}

/**
 * SCHEMA_REGISTRY_URL set: the HTTP registry (SCHEMA_REGISTRY_AUTO_REGISTER=false to only look up,
 * SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=user:password). Unset: the committed catalog.
 */
export function schemaRegistryFromEnv(env: NodeJS.ProcessEnv = process.env, schemas: SchemaSet = loadSchemas()): SchemaRegistry {
  const url = env.SCHEMA_REGISTRY_URL?.trim();
  if (!url) return new CatalogSchemaRegistry(schemas);
  return new HttpSchemaRegistry(
    {
      url,
      autoRegister: env.SCHEMA_REGISTRY_AUTO_REGISTER !== 'false',
      basicAuth: env.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO || undefined,
      requestTimeoutMs: Number(env.SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS ?? 10_000),
    },
    schemas,
  );
}
