// A real HCL parser (tree-sitter's Terraform grammar compiled to wasm) for checking rendered and
// patched .tf files. Used by tests and by the Cloudflare patcher for precise, byte-ranged edits.
// Loaded lazily and once: the wasm costs ~30 ms to instantiate, which `init` must not pay unless
// it actually parses.
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export interface HclSyntaxError {
  /** 1-based line and column, as editors show them. */
  line: number;
  column: number;
  kind: 'ERROR' | 'MISSING';
  /** The offending source text (or the missing token's type). */
  text: string;
}

export interface HclParseResult {
  tree: Tree;
  root: Node;
  errors: HclSyntaxError[];
}

let parserPromise: Promise<Parser> | undefined;

async function loadParser(): Promise<Parser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  // The terraform flavour is a superset of HCL that also knows Terraform's template directives.
  const wasm = require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
  const language = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export function getHclParser(): Promise<Parser> {
  parserPromise ??= loadParser();
  return parserPromise;
}

/** Every ERROR and MISSING node, in source order. */
export function collectSyntaxErrors(root: Node): HclSyntaxError[] {
  const errors: HclSyntaxError[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      errors.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        kind: node.isMissing ? 'MISSING' : 'ERROR',
        text: node.isMissing ? node.type : node.text.slice(0, 80),
      });
    }
    // Only descend where an error can still hide; keeps the walk cheap on large files.
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return errors;
}

export async function parseHcl(text: string): Promise<HclParseResult> {
  const parser = await getHclParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree (parser was reset or timed out)');
  return { tree, root: tree.rootNode, errors: collectSyntaxErrors(tree.rootNode) };
}

/** "line:col ERROR near `text`" lines for test failure messages and CLI errors. */
export function formatHclErrors(errors: HclSyntaxError[]): string {
  return errors.map((e) => `${e.line}:${e.column} ${e.kind} near \`${e.text}\``).join('\n');
}
