/**
 * Module boundaries, checked: every import in every project is mapped to the project it lands in (relative paths
 * and the tsconfig.base.json aliases alike) and judged by the Nx-style depConstraints in tools/module-boundaries.json,
 * with tags from each project's project.json. Also bans I/O packages and clock/random calls in pure code.
 *
 * Usage: npx ts-node scripts/check-module-boundaries.ts [workspaceRoot]   (exit 1 and one line per violation)
 *
 * We parse with the installed TypeScript compiler rather than @nx/eslint-plugin: no new packages, and the rules
 * that Nx's lint rule lacks (bannedCalls, file-level entry points) live in the same pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const BOUNDARIES_CONFIG_PATH = 'tools/module-boundaries.json';

export interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags?: string[];
  notDependOnLibsWithTags?: string[];
  bannedExternalImports?: string[];
  /** Ours, not Nx's: `X.y()`, `X()` or `new X()` (the last one only with no argument). */
  bannedCalls?: string[];
  /** Ours: `import type` is erased before anything runs, so this constraint's tag rules skip it (bans still apply). */
  ignoreTypeOnlyImports?: boolean;
}

export interface EntryPoint {
  name: string;
  importPath: string;
  /** Workspace-relative files that form this entry; they belong to it rather than to their folder's project. */
  files: string[];
  tags: string[];
}

export interface BoundariesConfig {
  depConstraints: DepConstraint[];
  entryPoints?: EntryPoint[];
  tagImplies?: Record<string, string[]>;
}

export interface Project {
  name: string;
  /** Workspace-relative folder ('' never: the workspace root is no project). */
  root: string;
  tags: string[];
  /** Set for entry points: the project is these files, not a folder. */
  files?: string[];
}

export type ViolationRule = 'dep-constraint' | 'banned-import' | 'banned-call' | 'unresolved-import' | 'no-project' | 'tags';

export interface Violation {
  /** Workspace-relative, forward slashes. */
  file: string;
  line: number;
  rule: ViolationRule;
  message: string;
}

export interface BoundariesReport {
  projects: Project[];
  filesChecked: number;
  importsChecked: number;
  violations: Violation[];
}

// Walking the workspace: these folders are never source. A limit keeps a runaway symlink loop from hanging CI.
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.nx', 'coverage', 'tmp', '.cache']);
const WALK_FILES_MAX = 50_000;
const RESOLVE_EXTENSIONS = ['', '.ts', '.tsx', '.d.ts', '.js', '.json', '/index.ts', '/index.js'];

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: [${v.rule}] ${v.message}`;
}

export function checkModuleBoundaries(workspaceRoot: string): BoundariesReport {
  const root = path.resolve(workspaceRoot);
  const config = JSON.parse(fs.readFileSync(path.join(root, BOUNDARIES_CONFIG_PATH), 'utf8')) as BoundariesConfig;
  const { sourceFiles, projectFiles } = walk(root);
  const projects = loadProjects(root, projectFiles, config);
  const owner = ownerLookup(projects);
  const aliases = loadAliases(root);
  const violations: Violation[] = [...checkTags(projects, config)];
  let importsChecked = 0;

  for (const file of sourceFiles) {
    const source = owner(file);
    if (!source) {
      violations.push({ file, line: 1, rule: 'no-project', message: 'file belongs to no project: add a project.json with tags' });
      continue;
    }
    const constraints = config.depConstraints.filter((c) => source.tags.some((t) => tagMatches(c.sourceTag, t)));
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

    for (const { specifier, node, typeOnly } of importsOf(sf)) {
      importsChecked++;
      const line = lineOf(node);
      const target = resolveImport(root, file, specifier, aliases);
      if (target.kind === 'unresolved') {
        violations.push({ file, line, rule: 'unresolved-import', message: `cannot resolve '${specifier}', so its boundary cannot be checked` });
        continue;
      }
      if (target.kind === 'external') {
        for (const c of constraints) {
          const banned = (c.bannedExternalImports ?? []).find((pattern) => globMatches(pattern, specifier) || globMatches(pattern, target.packageName));
          if (banned) {
            violations.push({ file, line, rule: 'banned-import', message: `${describe(source)} must not import '${specifier}' (banned for ${c.sourceTag} by '${banned}')` });
          }
        }
        continue;
      }
      const dependency = owner(target.file);
      if (!dependency) {
        violations.push({ file, line, rule: 'no-project', message: `'${specifier}' resolves to ${target.file}, which belongs to no project` });
        continue;
      }
      if (dependency.name === source.name) continue;
      for (const c of constraints) {
        if (typeOnly && c.ignoreTypeOnlyImports) continue;
        const only = c.onlyDependOnLibsWithTags;
        if (only && !dependency.tags.some((t) => only.some((allowed) => tagMatches(allowed, t)))) {
          violations.push({
            file, line, rule: 'dep-constraint',
            message: `${describe(source)} imports ${describe(dependency)} via '${specifier}': ${c.sourceTag} may depend only on [${only.join(', ')}]`,
          });
        }
        const not = c.notDependOnLibsWithTags;
        if (not && dependency.tags.some((t) => not.some((forbidden) => tagMatches(forbidden, t)))) {
          violations.push({
            file, line, rule: 'dep-constraint',
            message: `${describe(source)} imports ${describe(dependency)} via '${specifier}': ${c.sourceTag} must not depend on [${not.join(', ')}]`,
          });
        }
      }
    }

    const bannedCalls = constraints.flatMap((c) => (c.bannedCalls ?? []).map((call) => ({ call, sourceTag: c.sourceTag })));
    if (bannedCalls.length > 0) {
      for (const { call, node } of callsOf(sf)) {
        const hit = bannedCalls.find((b) => b.call === call);
        if (hit) {
          violations.push({
            file, line: lineOf(node), rule: 'banned-call',
            message: `${describe(source)} calls ${call} (banned for ${hit.sourceTag}: time and ids come on the command)`,
          });
        }
      }
    }
  }
  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { projects, filesChecked: sourceFiles.length, importsChecked, violations };
}

function describe(p: Project): string {
  return `${p.name} (${p.tags.join(', ')})`;
}

// ------------------------------------------------------------------------------------------ projects

function walk(root: string): { sourceFiles: string[]; projectFiles: string[] } {
  const sourceFiles: string[] = [];
  const projectFiles: string[] = [];
  const pending = [''];
  let seen = 0;
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (++seen > WALK_FILES_MAX) throw new Error(`more than ${WALK_FILES_MAX} entries under ${root}; is a build folder missing from SKIPPED_DIRS?`);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) pending.push(rel);
      } else if (entry.isFile()) {
        if (entry.name === 'project.json' && dir !== '') projectFiles.push(rel);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) sourceFiles.push(rel);
      }
    }
  }
  return { sourceFiles: sourceFiles.sort(), projectFiles: projectFiles.sort() };
}

export function loadProjects(root: string, projectFiles: string[], config: BoundariesConfig): Project[] {
  const projects: Project[] = projectFiles.map((file) => {
    const json = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as { name?: string; tags?: string[] };
    const dir = path.posix.dirname(file);
    return { name: json.name ?? dir, root: dir, tags: json.tags ?? [] };
  });
  for (const entry of config.entryPoints ?? []) {
    projects.push({ name: entry.name, root: path.posix.dirname(entry.files[0] ?? ''), tags: entry.tags, files: entry.files });
  }
  return projects;
}

/** Entry-point files first, then the deepest project folder: a nested project owns its files. */
function ownerLookup(projects: Project[]): (file: string) => Project | undefined {
  const byFile = new Map<string, Project>();
  for (const p of projects) for (const f of p.files ?? []) byFile.set(f, p);
  const folders = projects.filter((p) => !p.files).sort((a, b) => b.root.length - a.root.length);
  return (file) => byFile.get(file) ?? folders.find((p) => file.startsWith(`${p.root}/`));
}

function checkTags(projects: Project[], config: BoundariesConfig): Violation[] {
  const violations: Violation[] = [];
  const names = new Map<string, Project>();
  for (const p of projects) {
    const where = p.files ? `${BOUNDARIES_CONFIG_PATH} (entry point ${p.name})` : `${p.root}/project.json`;
    const clash = names.get(p.name);
    if (clash) violations.push({ file: where, line: 1, rule: 'tags', message: `project name '${p.name}' is also used by ${clash.root}` });
    names.set(p.name, p);
    if (!p.tags.some((t) => t.startsWith('scope:')) || !p.tags.some((t) => t.startsWith('type:'))) {
      violations.push({ file: where, line: 1, rule: 'tags', message: `project '${p.name}' needs a scope:* and a type:* tag, has [${p.tags.join(', ')}]` });
    }
    for (const [tag, implied] of Object.entries(config.tagImplies ?? {})) {
      if (!p.tags.includes(tag)) continue;
      for (const needed of implied) {
        if (!p.tags.includes(needed)) violations.push({ file: where, line: 1, rule: 'tags', message: `project '${p.name}' is ${tag} and so must also carry ${needed}` });
      }
    }
  }
  return violations;
}

// ------------------------------------------------------------------------------------------ imports

interface ImportSite {
  specifier: string;
  node: ts.Node;
  /** Erased at compile time: `import type`, `export type`, or every named binding marked `type`. */
  typeOnly: boolean;
}

/** import/export ... from, import x = require(), require(), import(); type-only imports count too: types couple. */
function importsOf(sf: ts.SourceFile): ImportSite[] {
  const sites: ImportSite[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      sites.push({ specifier: node.moduleSpecifier.text, node, typeOnly: isTypeOnly(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) sites.push({ specifier: expr.text, node, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0] as ts.Expression)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire || isDynamicImport) sites.push({ specifier: (node.arguments[0] as ts.StringLiteral).text, node, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      sites.push({ specifier: node.argument.literal.text, node, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

interface CallSite {
  /** Normalised as in bannedCalls: `Date.now()`, `Date()`, `new Date()` (no argument). */
  call: string;
  node: ts.Node;
}

function callsOf(sf: ts.SourceFile): CallSite[] {
  const sites: CallSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = dottedName(node.expression);
      if (name) sites.push({ call: `${name}()`, node });
    } else if (ts.isNewExpression(node) && (node.arguments === undefined || node.arguments.length === 0)) {
      const name = dottedName(node.expression);
      if (name) sites.push({ call: `new ${name}()`, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

/** `Date`, `Math.random`, `globalThis.Date.now` -> `Date.now`; anything that is not a plain dotted name -> undefined. */
function dottedName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) {
    const left = dottedName(expr.expression);
    if (!left) return undefined;
    const name = `${left}.${expr.name.text}`;
    return name.startsWith('globalThis.') ? name.slice('globalThis.'.length) : name;
  }
  if (ts.isParenthesizedExpression(expr)) return dottedName(expr.expression);
  return undefined;
}

type Resolved = { kind: 'file'; file: string } | { kind: 'external'; packageName: string } | { kind: 'unresolved' };

interface Alias {
  pattern: string;
  targets: string[];
}

function loadAliases(root: string): Alias[] {
  const file = path.join(root, 'tsconfig.base.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) throw new Error(`cannot read ${file}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const options = (read.config?.compilerOptions ?? {}) as { baseUrl?: string; paths?: Record<string, string[]> };
  const baseUrl = options.baseUrl ?? '.';
  return Object.entries(options.paths ?? {}).map(([pattern, targets]) => ({
    pattern,
    targets: targets.map((t) => path.posix.join(baseUrl, t)),
  }));
}

function resolveImport(root: string, fromFile: string, specifier: string, aliases: Alias[]): Resolved {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const base = specifier.startsWith('/') ? specifier : path.posix.join(path.posix.dirname(fromFile), specifier);
    return resolveFile(root, base);
  }
  // Exact aliases before wildcards, so '@billing/testing/kafka' wins over a '@billing/*'.
  const exact = aliases.find((a) => a.pattern === specifier);
  if (exact) return resolveFirst(root, exact.targets);
  for (const alias of aliases) {
    const star = alias.pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = alias.pattern.slice(0, star);
    const suffix = alias.pattern.slice(star + 1);
    if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      return resolveFirst(root, alias.targets.map((t) => t.replace('*', middle)));
    }
  }
  const parts = specifier.split('/');
  const packageName = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return { kind: 'external', packageName };
}

function resolveFirst(root: string, candidates: string[]): Resolved {
  for (const c of candidates) {
    const r = resolveFile(root, c);
    if (r.kind === 'file') return r;
  }
  return { kind: 'unresolved' };
}

function resolveFile(root: string, base: string): Resolved {
  const normalised = path.posix.normalize(base);
  for (const ext of RESOLVE_EXTENSIONS) {
    const candidate = normalised + ext;
    const full = path.join(root, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return { kind: 'file', file: candidate };
  }
  return { kind: 'unresolved' };
}

// ------------------------------------------------------------------------------------------ matching

/** Nx semantics: '*' matches any tag, '/re/' is a regular expression, anything else is exact. */
function tagMatches(pattern: string, tag: string): boolean {
  if (pattern === '*') return true;
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) return new RegExp(pattern.slice(1, -1)).test(tag);
  return pattern === tag;
}

function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

// ------------------------------------------------------------------------------------------ command line

if (require.main === module) {
  const workspaceRoot = process.argv[2] ?? path.resolve(__dirname, '..');
  const report = checkModuleBoundaries(workspaceRoot);
  for (const v of report.violations) console.error(formatViolation(v));
  const summary = `${report.projects.length} projects, ${report.filesChecked} files, ${report.importsChecked} imports`;
  if (report.violations.length > 0) {
    console.error(`module boundaries: ${report.violations.length} violation(s) in ${summary}`);
    process.exit(1);
  }
  console.log(`module boundaries: ok (${summary})`);
}
