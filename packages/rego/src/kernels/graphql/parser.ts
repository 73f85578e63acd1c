/**
 * GraphQL lexer and parser producing documents shaped like vektah/gqlparser's AST (the library
 * OPA uses), so that `graphql.parse_query` / `graphql.parse_schema` return the same objects as
 * OPA once positions and empty members are pruned.
 *
 * Why not the `graphql` package: OPA returns gqlparser's AST (Go struct fields, its value
 * kinds, its positions and error wording), not graphql-js's, and gqlparser's schema rules are
 * not graphql-js's: on OPA's schema_is_valid conformance cases graphql-js's buildSchema +
 * validateSchema disagrees with OPA on 19 of 47 (extensions of undefined types, deprecations,
 * object extensions, …). Translating graphql-js's results back would be longer than this port.
 */

/** A syntax or validation error with a 1-based position. */
export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Source position (pruned from results). */
export interface Pos {
  line: number;
  column: number;
}

/** A gqlparser-shaped AST node: plain JSON plus an optional Position. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walked generically, like Go's map[string]any
export type Node = Record<string, any>;

type TokKind = 'punct' | 'name' | 'int' | 'float' | 'string' | 'block' | 'eof';

interface Token {
  kind: TokKind;
  value: string;
  line: number;
  column: number;
}

const PUNCT = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '|', '}']);

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (): number => i - lineStart + 1;
  const fail = (msg: string): never => {
    throw new GraphQLError(msg, line, col());
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === ',' || c === '\r' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    const start = { line, column: col() };
    if (c === '.' && src.startsWith('...', i)) {
      out.push({ kind: 'punct', value: '...', ...start });
      i += 3;
      continue;
    }
    if (PUNCT.has(c)) {
      out.push({ kind: 'punct', value: c, ...start });
      i++;
      continue;
    }
    if (/[_A-Za-z]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[_0-9A-Za-z]/.test(src[j]!)) j++;
      out.push({ kind: 'name', value: src.slice(i, j), ...start });
      i = j;
      continue;
    }
    if (c === '-' || /[0-9]/.test(c)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      if (!m || m[0] === '-') fail(`Unexpected character ${JSON.stringify(c)}`);
      const text = m![0];
      if (/[_A-Za-z.]/.test(src[i + text.length] ?? ''))
        fail(`Invalid number, expected digit but got: ${JSON.stringify(src[i + text.length])}`);
      out.push({ kind: m![2] || m![3] ? 'float' : 'int', value: text, ...start });
      i += text.length;
      continue;
    }
    if (c === '"') {
      if (src.startsWith('"""', i)) {
        let j = i + 3;
        let raw = '';
        for (;;) {
          if (j >= src.length) {
            // gqlparser reports an unterminated block string as an invalid token at the end.
            i = j;
            fail('Unexpected <Invalid>');
          }
          if (src.startsWith('"""', j)) break;
          if (src.startsWith('\\"""', j)) {
            raw += '"""';
            j += 4;
            continue;
          }
          if (src[j] === '\n' || (src[j] === '\r' && src[j + 1] !== '\n')) {
            line++;
            lineStart = j + 1;
          }
          raw += src[j];
          j++;
        }
        out.push({ kind: 'block', value: blockStringValue(raw), line: start.line, column: start.column + 3 });
        i = j + 3;
        continue;
      }
      let j = i + 1;
      let val = '';
      for (;;) {
        if (j >= src.length || src[j] === '\n') fail('Unterminated string.');
        const d = src[j]!;
        if (d === '"') break;
        if (d === '\\') {
          const e = src[j + 1];
          const map: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (e === 'u') {
            const hex = src.slice(j + 2, j + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(`Invalid character escape sequence: \\u${hex}`);
            val += String.fromCharCode(parseInt(hex, 16));
            j += 6;
            continue;
          }
          if (e === undefined || map[e] === undefined)
            fail(`Invalid character escape sequence: \\${e ?? ''}`);
          val += map[e!];
          j += 2;
          continue;
        }
        val += d;
        j++;
      }
      out.push({ kind: 'string', value: val, line: start.line, column: start.column + 1 });
      i = j + 1;
      continue;
    }
    fail(`Unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ kind: 'eof', value: '', line, column: col() });
  return out;
}

// GraphQL block string value: common indentation removed, blank first/last lines dropped.
function blockStringValue(raw: string): string {
  const lines = raw.split(/\r\n|[\n\r]/);
  let common: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const ind = l.length - l.replace(/^[ \t]*/, '').length;
    if (ind < l.length && (common === undefined || ind < common)) common = ind;
  }
  if (common) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(common);
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join('\n');
}

/** Value kinds, numbered as gqlparser's ValueKind. */
export const ValueKind = {
  Variable: 0,
  IntValue: 1,
  FloatValue: 2,
  StringValue: 3,
  BlockValue: 4,
  BooleanValue: 5,
  NullValue: 6,
  EnumValue: 7,
  ListValue: 8,
  ObjectValue: 9,
} as const;

const DIRECTIVE_LOCATIONS = new Set([
  'QUERY',
  'MUTATION',
  'SUBSCRIPTION',
  'FIELD',
  'FRAGMENT_DEFINITION',
  'FRAGMENT_SPREAD',
  'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION',
  'SCHEMA',
  'SCALAR',
  'OBJECT',
  'FIELD_DEFINITION',
  'ARGUMENT_DEFINITION',
  'INTERFACE',
  'UNION',
  'ENUM',
  'ENUM_VALUE',
  'INPUT_OBJECT',
  'INPUT_FIELD_DEFINITION',
]);

class Parser {
  private toks: Token[];
  private p = 0;

  constructor(src: string) {
    this.toks = lex(src);
  }

  private peek(): Token {
    return this.toks[this.p]!;
  }

  private next(): Token {
    return this.toks[this.p++]!;
  }

  private pos(): Pos {
    const t = this.peek();
    return { line: t.line, column: t.column };
  }

  // How gqlparser names a token in messages.
  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return '<EOF>';
      case 'name':
        return `Name "${t.value}"`;
      case 'punct':
        return t.value;
      case 'string':
      case 'block':
        return `String "${t.value}"`;
      default:
        return `${t.kind === 'int' ? 'Int' : 'Float'} "${t.value}"`;
    }
  }

  private unexpected(t: Token = this.peek()): never {
    throw new GraphQLError(`Unexpected ${this.describe(t)}`, t.line, t.column);
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === v;
  }

  private isName(v?: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && (v === undefined || t.value === v);
  }

  private expectPunct(v: string): Token {
    if (!this.isPunct(v)) {
      const t = this.peek();
      throw new GraphQLError(`Expected ${v}, found ${this.describe(t)}`, t.line, t.column);
    }
    return this.next();
  }

  private skipPunct(v: string): boolean {
    if (this.isPunct(v)) {
      this.p++;
      return true;
    }
    return false;
  }

  private name(): string {
    const t = this.peek();
    if (t.kind !== 'name')
      throw new GraphQLError(`Expected Name, found ${this.describe(t)}`, t.line, t.column);
    this.p++;
    return t.value;
  }

  private keyword(k: string): void {
    const t = this.peek();
    if (t.kind !== 'name' || t.value !== k) {
      throw new GraphQLError(`Expected "${k}", found ${this.describe(t)}`, t.line, t.column);
    }
    this.p++;
  }

  // `open item+ close` (some) or `open item* close` (many).
  private list<T>(open: string, close: string, item: () => T, atLeastOne: boolean): T[] {
    this.expectPunct(open);
    const out: T[] = [];
    if (atLeastOne && this.isPunct(close)) {
      const t = this.peek();
      throw new GraphQLError(`expected at least one definition, found ${close}`, t.line, t.column);
    }
    if (atLeastOne || !this.isPunct(close)) {
      do out.push(item());
      while (!this.skipPunct(close));
    } else this.p++;
    return out;
  }

  eof(): boolean {
    return this.peek().kind === 'eof';
  }

  // ---- values and types

  value(isConst: boolean): Node {
    const t = this.peek();
    const Position = this.pos();
    const v = (Kind: number, Raw: string, Children: Node[] | null = null): Node => ({
      Raw,
      Children,
      Kind,
      Position,
      ExpectedTypeHasDefault: false,
    });
    if (t.kind === 'punct') {
      if (t.value === '[') {
        this.p++;
        const children: Node[] = [];
        while (!this.skipPunct(']')) {
          const Position2 = this.pos();
          children.push({ Name: '', Value: this.value(isConst), Position: Position2 });
          if (this.eof()) this.unexpected();
        }
        return v(ValueKind.ListValue, '', children);
      }
      if (t.value === '{') {
        this.p++;
        const children: Node[] = [];
        while (!this.skipPunct('}')) {
          const Position2 = this.pos();
          const Name = this.name();
          this.expectPunct(':');
          children.push({ Name, Value: this.value(isConst), Position: Position2 });
        }
        return v(ValueKind.ObjectValue, '', children);
      }
      if (t.value === '$' && !isConst) {
        this.p++;
        return v(ValueKind.Variable, this.name());
      }
      this.unexpected();
    }
    this.p++;
    switch (t.kind) {
      case 'int':
        return v(ValueKind.IntValue, t.value);
      case 'float':
        return v(ValueKind.FloatValue, t.value);
      case 'string':
        return v(ValueKind.StringValue, t.value);
      case 'block':
        return v(ValueKind.BlockValue, t.value);
      case 'name':
        if (t.value === 'true' || t.value === 'false') return v(ValueKind.BooleanValue, t.value);
        if (t.value === 'null') return v(ValueKind.NullValue, t.value);
        return v(ValueKind.EnumValue, t.value);
      default:
        return this.unexpected(t);
    }
  }

  type(): Node {
    const Position = this.pos();
    let t: Node;
    if (this.skipPunct('[')) {
      const Elem = this.type();
      this.expectPunct(']');
      t = { NamedType: '', Elem, NonNull: false, Position };
    } else t = { NamedType: this.name(), Elem: null, NonNull: false, Position };
    if (this.skipPunct('!')) t.NonNull = true;
    return t;
  }

  directives(isConst: boolean): Node[] {
    const out: Node[] = [];
    while (this.isPunct('@')) {
      const Position = this.pos();
      this.p++;
      const Name = this.name();
      const Arguments = this.isPunct('(') ? this.list('(', ')', () => this.argument(isConst), true) : null;
      out.push({ Name, Arguments, Position, ParentDefinition: null, Definition: null, Location: '' });
    }
    return out;
  }

  argument(isConst: boolean): Node {
    const Position = this.pos();
    const Name = this.name();
    this.expectPunct(':');
    return { Name, Value: this.value(isConst), Position };
  }

  // ---- executable documents

  queryDocument(): Node {
    const doc: Node = { Operations: [], Fragments: [] };
    while (!this.eof()) {
      if (this.isPunct('{')) {
        doc.Operations.push(this.operation());
        continue;
      }
      const t = this.peek();
      if (t.kind === 'name') {
        if (t.value === 'query' || t.value === 'mutation' || t.value === 'subscription') {
          doc.Operations.push(this.operation());
          continue;
        }
        if (t.value === 'fragment') {
          doc.Fragments.push(this.fragment());
          continue;
        }
      }
      this.unexpected();
    }
    return doc;
  }

  private operation(): Node {
    const Position = this.pos();
    if (this.isPunct('{')) {
      return {
        Operation: 'query',
        Name: '',
        VariableDefinitions: null,
        Directives: null,
        SelectionSet: this.selectionSet(),
        Position,
      };
    }
    const Operation = this.next().value;
    const Name = this.isName() ? this.name() : '';
    const VariableDefinitions = this.isPunct('(')
      ? this.list('(', ')', () => this.variableDefinition(), true)
      : null;
    const Directives = this.directives(false);
    return { Operation, Name, VariableDefinitions, Directives, SelectionSet: this.selectionSet(), Position };
  }

  private variableDefinition(): Node {
    const Position = this.pos();
    this.expectPunct('$');
    const Variable = this.name();
    this.expectPunct(':');
    const Type = this.type();
    const DefaultValue = this.skipPunct('=') ? this.value(true) : null;
    const Directives = this.directives(true);
    return { Variable, Type, DefaultValue, Directives, Position, Definition: null, Used: false };
  }

  private selectionSet(): Node[] {
    return this.list('{', '}', () => this.selection(), true);
  }

  private selection(): Node {
    const Position = this.pos();
    if (this.skipPunct('...')) {
      if (this.isName() && this.peek().value !== 'on') {
        const Name = this.name();
        return {
          Name,
          Directives: this.directives(false),
          ObjectDefinition: null,
          Definition: null,
          Position,
        };
      }
      let TypeCondition = '';
      if (this.isName('on')) {
        this.p++;
        TypeCondition = this.name();
      }
      const Directives = this.directives(false);
      return {
        TypeCondition,
        Directives,
        SelectionSet: this.selectionSet(),
        ObjectDefinition: null,
        Position,
      };
    }
    let Alias = this.name();
    let Name = Alias;
    if (this.skipPunct(':')) Name = this.name();
    const Arguments = this.isPunct('(') ? this.list('(', ')', () => this.argument(false), true) : null;
    const Directives = this.directives(false);
    const SelectionSet = this.isPunct('{') ? this.selectionSet() : null;
    if (Alias === '') Alias = Name;
    return {
      Alias,
      Name,
      Arguments,
      Directives,
      SelectionSet,
      Position,
      Definition: null,
      ObjectDefinition: null,
    };
  }

  private fragment(): Node {
    const Position = this.pos();
    this.keyword('fragment');
    if (this.isName('on')) this.unexpected();
    const Name = this.name();
    // Fragment variables: experimental syntax that gqlparser accepts.
    const VariableDefinition = this.isPunct('(')
      ? this.list('(', ')', () => this.variableDefinition(), true)
      : null;
    this.keyword('on');
    const TypeCondition = this.name();
    const Directives = this.directives(false);
    return {
      Name,
      VariableDefinition,
      TypeCondition,
      Directives,
      SelectionSet: this.selectionSet(),
      Definition: null,
      Position,
    };
  }

  // ---- schema documents

  schemaDocument(): Node {
    const doc: Node = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
    while (!this.eof()) {
      const beforeDesc = this.peek();
      const Description = this.description();
      const t = this.peek();
      if (t.kind !== 'name') this.unexpected();
      switch (t.value) {
        case 'schema':
          this.p++;
          doc.Schema.push(this.schemaDefinition(Description, { line: t.line, column: t.column }));
          break;
        case 'directive':
          doc.Directives.push(this.directiveDefinition(Description));
          break;
        case 'extend': {
          if (Description !== '') this.unexpected(beforeDesc);
          this.p++;
          if (!this.isName()) this.unexpected();
          if (this.isName('schema')) {
            const pos = this.pos();
            this.p++;
            doc.SchemaExtension.push(this.schemaDefinition('', pos, true));
          } else doc.Extensions.push(this.typeDefinition('', true));
          break;
        }
        default:
          doc.Definitions.push(this.typeDefinition(Description, false));
      }
    }
    return doc;
  }

  private description(): string {
    const t = this.peek();
    if (t.kind === 'string' || t.kind === 'block') {
      this.p++;
      return t.value;
    }
    return '';
  }

  private schemaDefinition(Description: string, Position: Pos, extension = false): Node {
    const Directives = this.directives(true);
    let OperationTypes: Node[] = [];
    if (this.isPunct('{')) {
      OperationTypes = this.list(
        '{',
        '}',
        () => {
          const p = this.pos();
          const t = this.peek();
          const Operation = this.name();
          if (!['query', 'mutation', 'subscription'].includes(Operation)) this.unexpected(t);
          this.expectPunct(':');
          return { Operation, Type: this.name(), Position: p };
        },
        true,
      );
    } else if (!extension || Directives.length === 0) this.unexpected();
    return { Description, Directives, OperationTypes, Position };
  }

  private directiveDefinition(Description: string): Node {
    const Position = this.pos();
    this.keyword('directive');
    this.expectPunct('@');
    const Name = this.name();
    const Arguments = this.isPunct('(') ? this.list('(', ')', () => this.inputValueDefinition(), true) : null;
    let IsRepeatable = false;
    if (this.isName('repeatable')) {
      this.p++;
      IsRepeatable = true;
    }
    this.keyword('on');
    this.skipPunct('|');
    const Locations: string[] = [];
    do {
      const t = this.peek();
      const loc = this.name();
      if (!DIRECTIVE_LOCATIONS.has(loc)) this.unexpected(t);
      Locations.push(loc);
    } while (this.skipPunct('|'));
    return { Description, Name, Arguments, Locations, IsRepeatable, Position };
  }

  private inputValueDefinition(): Node {
    const Position = this.pos();
    const Description = this.description();
    const Name = this.name();
    this.expectPunct(':');
    const Type = this.type();
    const DefaultValue = this.skipPunct('=') ? this.value(true) : null;
    const Directives = this.directives(true);
    return { Description, Name, DefaultValue, Type, Directives, Position };
  }

  private fieldDefinition(): Node {
    const Position = this.pos();
    const Description = this.description();
    const Name = this.name();
    const Arguments = this.isPunct('(') ? this.list('(', ')', () => this.inputValueDefinition(), true) : null;
    this.expectPunct(':');
    const Type = this.type();
    const Directives = this.directives(true);
    return { Description, Name, Arguments, DefaultValue: null, Type, Directives, Position };
  }

  private typeDefinition(Description: string, extension: boolean): Node {
    const Position = this.pos();
    const kw = this.name();
    const def: Node = {
      Kind: '',
      Description,
      Name: '',
      Directives: null,
      Interfaces: null,
      Fields: null,
      Types: null,
      EnumValues: null,
      Position,
      BuiltIn: false,
    };
    const kinds: Record<string, string> = {
      scalar: 'SCALAR',
      type: 'OBJECT',
      interface: 'INTERFACE',
      union: 'UNION',
      enum: 'ENUM',
      input: 'INPUT_OBJECT',
    };
    const kind = kinds[kw];
    if (!kind) this.unexpected(this.toks[this.p - 1]);
    def.Kind = kind;
    def.Name = this.name();
    let hasBody = false;
    if (kind === 'OBJECT' || kind === 'INTERFACE') {
      if (this.isName('implements')) {
        this.p++;
        this.skipPunct('&');
        const ifaces: string[] = [];
        do ifaces.push(this.name());
        while (this.skipPunct('&'));
        def.Interfaces = ifaces;
        hasBody = true;
      }
    }
    def.Directives = this.directives(true);
    if (def.Directives.length > 0) hasBody = true;
    if (kind === 'OBJECT' || kind === 'INTERFACE') {
      if (this.isPunct('{')) {
        def.Fields = this.list('{', '}', () => this.fieldDefinition(), true);
        hasBody = true;
      }
    } else if (kind === 'INPUT_OBJECT') {
      if (this.isPunct('{')) {
        def.Fields = this.list('{', '}', () => this.inputValueDefinition(), true);
        hasBody = true;
      }
    } else if (kind === 'ENUM') {
      if (this.isPunct('{')) {
        def.EnumValues = this.list(
          '{',
          '}',
          () => {
            const p = this.pos();
            const d = this.description();
            const t = this.peek();
            const n = this.name();
            if (n === 'true' || n === 'false' || n === 'null') this.unexpected(t);
            return { Description: d, Name: n, Directives: this.directives(true), Position: p };
          },
          true,
        );
        hasBody = true;
      }
    } else if (kind === 'UNION') {
      if (this.skipPunct('=')) {
        this.skipPunct('|');
        const types: string[] = [];
        do types.push(this.name());
        while (this.skipPunct('|'));
        def.Types = types;
        hasBody = true;
      }
    }
    if (extension && !hasBody && kind !== 'SCALAR') this.unexpected();
    if (extension && kind === 'SCALAR' && def.Directives.length === 0) this.unexpected();
    return def;
  }
}

/** Parses an executable document (queries, mutations, fragments). */
export function parseQueryDocument(src: string): Node {
  return new Parser(src).queryDocument();
}

/** Parses a type-system document (SDL). */
export function parseSchemaDocument(src: string): Node {
  return new Parser(src).schemaDocument();
}

/**
 * OPA's pruning of gqlparser ASTs: drops `Position`, nulls and (after pruning) empty arrays and
 * objects, in objects and arrays alike.
 */
export function pruneAst(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      if (x === null || x === undefined) continue;
      const p = pruneAst(x);
      if (Array.isArray(p) && p.length === 0) continue;
      if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out.push(p);
    }
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Position' || x === null || x === undefined) continue;
      const p = pruneAst(x);
      if (Array.isArray(p) && p.length === 0) continue;
      if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return v;
}
