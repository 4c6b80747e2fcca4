import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintOf, loadSchemas, parseSchema, readCatalog } from '@billing/avro';

interface RegisteredVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schema: string;
  readonly fingerprint: string;
}

/** Largest request body the test registry reads (a bundled schema is a few KiB). */
const REQUEST_BYTES_MAX = 4 * 1024 * 1024;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A small Confluent-API-compatible schema registry for integration tests, serving the committed
 * schemas/catalog.json (same ids). It answers what HttpSchemaRegistry asks (GET /schemas/ids/:id[/versions],
 * POST /subjects/:s lookup, POST /subjects/:s/versions register, GET /subjects/:s/versions[/latest|/:v]) with
 * Confluent's error codes, and it can be stopped and restarted on the same port to play an outage.
 */
export class TestSchemaRegistry {
  private readonly versions: RegisteredVersion[] = [];
  private server: Server | undefined;
  private port = 0;
  /** Requests answered, for tests that must prove the registry was (or was not) asked. */
  requests = 0;

  constructor(schemaDir = loadSchemas().dir) {
    for (const [subject, entry] of Object.entries(readCatalog(schemaDir).subjects)) {
      for (const v of entry.versions) {
        const schema = JSON.stringify(JSON.parse(readFileSync(join(schemaDir, v.path), 'utf8')));
        this.versions.push({ subject, version: v.version, id: v.id, schema, fingerprint: v.fingerprint });
      }
    }
  }

  get url(): string {
    if (!this.port) throw new Error('the test schema registry was never started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves one more id for an existing subject version's schema (a writer id the service has not seen yet). */
  alias(id: number, subject: string, version = 1): void {
    const existing = this.versions.find((v) => v.subject === subject && v.version === version);
    if (!existing) throw new Error(`no version ${version} of ${subject}`);
    if (this.versions.some((v) => v.id === id)) throw new Error(`id ${id} is taken`);
    this.versions.push({ ...existing, id, version: Math.max(...this.versionsOf(subject).map((v) => v.version)) + 1 });
  }

  /** Starts listening (on a free port the first time, on the same port after a stop). */
  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = createServer((request, response) => {
      this.requests++;
      this.handle(request, response).catch((error) => send(response, 500, { error_code: 50001, message: String(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  /** Stops listening and drops open connections: every request fails to connect until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private versionsOf(subject: string): RegisteredVersion[] {
    return this.versions.filter((v) => v.subject === subject).sort((a, b) => a.version - b.version);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]).replace(/\/+$/, '');
    const parts = path.split('/').filter(Boolean);
    if (request.method === 'GET' && parts[0] === 'schemas' && parts[1] === 'ids' && parts.length <= 4) {
      const found = this.versions.find((v) => v.id === Number(parts[2]));
      if (!found) return send(response, 404, { error_code: 40403, message: 'Schema not found' });
      if (parts[3] === 'versions') return send(response, 200, this.versions.filter((v) => v.id === found.id).map(({ subject, version }) => ({ subject, version })));
      return send(response, 200, { schema: found.schema });
    }
    if (request.method === 'GET' && path === '/subjects') return send(response, 200, [...new Set(this.versions.map((v) => v.subject))]);
    if (parts[0] !== 'subjects' || !parts[1]) return send(response, 404, { error_code: 404, message: `no route ${request.method} ${path}` });
    const subject = parts[1];
    const versions = this.versionsOf(subject);
    if (request.method === 'GET' && parts[2] === 'versions') {
      if (versions.length === 0) return send(response, 404, { error_code: 40401, message: 'Subject not found' });
      if (!parts[3]) return send(response, 200, versions.map((v) => v.version));
      const found = parts[3] === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === Number(parts[3]));
      if (!found) return send(response, 404, { error_code: 40402, message: 'Version not found' });
      return send(response, 200, { subject, version: found.version, id: found.id, schema: found.schema });
    }
    if (request.method === 'POST' && (parts.length === 2 || parts[2] === 'versions')) {
      const { schema } = JSON.parse(await readBody(request)) as { schema: string };
      const fingerprint = fingerprintOf(parseSchema(JSON.parse(schema)));
      const found = versions.filter((v) => v.fingerprint === fingerprint).sort((a, b) => a.id - b.id)[0];
      if (parts.length === 2) {
        if (!found) return send(response, 404, { error_code: versions.length ? 40403 : 40401, message: versions.length ? 'Schema not found' : 'Subject not found' });
        return send(response, 200, { subject, version: found.version, id: found.id, schema: found.schema });
      }
      if (found) return send(response, 200, { id: found.id });
      const id = Math.max(0, ...this.versions.map((v) => v.id)) + 1;
      this.versions.push({ subject, version: (versions[versions.length - 1]?.version ?? 0) + 1, id, schema, fingerprint });
      return send(response, 200, { id });
    }
    return send(response, 404, { error_code: 404, message: `no route ${request.method} ${path}` });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': CONTENT_TYPE });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes > REQUEST_BYTES_MAX) throw new Error(`request body over ${REQUEST_BYTES_MAX} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
