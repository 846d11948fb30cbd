import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The entries whose every export must be documented (client and react: being rewritten). */
export const DOCUMENTED_ENTRIES: readonly string[] = [
  'packages/core/src/index.ts',
  'packages/core/src/store-kit.ts',
  'packages/core/src/testing/index.ts',
  'packages/protocol/src/index.ts',
  'packages/idb/src/index.ts',
  'packages/server/src/index.ts',
  'packages/server/src/store-kit.ts',
  'packages/server/src/testing/index.ts',
  'packages/server/src/store/sqlite/index.ts',
  'packages/server/src/store/postgres/index.ts',
];

/** One export that lacks what the API reference needs. */
export interface DocGap {
  entry: string;
  name: string;
  missing: 'description' | '@example';
}

function hasExample(declaration: ts.Declaration): boolean {
  return ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example');
}

function describedBy(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().length > 0;
}

/** A value a caller runs: a function, a class, or a const holding a function. */
function isCallable(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) return true;
  if (!(symbol.flags & ts.SymbolFlags.Variable) || !symbol.valueDeclaration) return false;
  return checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration).getCallSignatures().length > 0;
}

/**
 * The exports of `entries` without a description, and the functions and classes without
 * an `@example`, as the API reference would show them.
 *
 * @example
 * expect(findDocGaps(DOCUMENTED_ENTRIES)).toEqual([]);
 */
export function findDocGaps(entries: readonly string[]): DocGap[] {
  const files = entries.map((e) => join(root, e));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.webworker.importscripts.d.ts'],
  });
  const checker = program.getTypeChecker();
  const gaps: DocGap[] = [];
  for (const [i, file] of files.entries()) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read ${entries[i]}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const entry = entries[i]!;
      const name = exported.name;
      if (!describedBy(symbol, checker)) gaps.push({ entry, name, missing: 'description' });
      else if (isCallable(symbol, checker) && !(symbol.declarations ?? []).some(hasExample)) {
        gaps.push({ entry, name, missing: '@example' });
      }
    }
  }
  return gaps;
}
