// Recursive-descent parser for Rego modules and queries (v0 and v1 syntax).
//
// Newlines matter: at the top level of a body literal they end the expression, while
// inside brackets they are ignored (`depth` tracks that). Refs and calls continue only when
// `.`, `[` or `(` follows without whitespace, so `x := a\n[b] = c` is two literals.
import {
  dottedName,
  type ComprehensionTerm,
  type ElseClause,
  type Expr,
  type Import,
  type Module,
  type Pos,
  type RefTerm,
  type Rule,
  type Term,
  type VarTerm,
  type WithModifier,
} from './ast.js';
import { RegoParseError } from './errors.js';
import { LexError, readString, tokenize, type Comment, type Token } from './lexer.js';
import { AnnotationError, annotationsAbove, type Annotations } from './annotations.js';
import { MAX_EXPONENT, numberFromText } from './number.js';

/** Which optional keywords are active. */
interface Keywords {
  if: boolean;
  contains: boolean;
  in: boolean;
  every: boolean;
}

const ALL_KEYWORDS: Keywords = { if: true, contains: true, in: true, every: true };

const REL_OPS: Record<string, string> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'lte',
  '>=': 'gte',
};
const ARITH_OPS: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR_OPS: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

/** Counter shared by all parsers so wildcard names never collide across modules and queries. */
let wildcardCounter = 0;

class Parser {
  private toks: Token[];
  private readonly comments: Comment[] = [];
  private i = 0;
  private depth = 0;
  kw: Keywords;
  /** v1 module: `if` is mandatory before bodies (v0 with future.keywords accepts both). */
  private readonly v1: boolean;

  constructor(
    private readonly src: string,
    private readonly file: string,
    version: 'v0' | 'v1',
  ) {
    this.v1 = version === 'v1';
    this.kw =
      version === 'v1' ? { ...ALL_KEYWORDS } : { if: false, contains: false, in: false, every: false };
    try {
      this.toks = tokenize(src, this.comments);
    } catch (e) {
      if (e instanceof LexError) throw this.errorAt(e.message, e.pos);
      throw e;
    }
  }

  // ---- token helpers ----

  private get tok(): Token {
    return this.toks[this.i]!;
  }

  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }

  private next(): Token {
    const t = this.toks[this.i]!;
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  private atEof(): boolean {
    return this.tok.kind === 'eof';
  }

  private isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }

  private isIdent(text: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === text;
  }

  /** A keyword, unless it starts a ref (`if.foo`, `default.bar`): keywords may name rules. */
  private isKw(text: string): boolean {
    if (!this.isIdent(text)) return false;
    const n = this.peek();
    return !(n.kind === 'op' && n.text === '.' && !n.ws);
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) throw this.unexpected(`expected ${text}`);
    return this.next();
  }

  private pos(t: Token = this.tok): Pos {
    return { line: t.line, col: t.col };
  }

  /** A newline ends the current literal here (only at the top level of a body). */
  private atBreak(): boolean {
    return this.depth === 0 && this.tok.nl;
  }

  errorAt(msg: string, offset: number): RegoParseError {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < offset && k < this.src.length; k++) {
      if (this.src.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    let lineEnd = this.src.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = this.src.length;
    return new RegoParseError(
      msg,
      { file: this.file, line, column: offset - lineStart + 1 },
      this.src.slice(lineStart, lineEnd).replace(/\r$/, ''),
    );
  }

  private error(msg: string, t: Token = this.tok): RegoParseError {
    return this.errorAt(msg, t.pos);
  }

  private unexpected(hint?: string): RegoParseError {
    const t = this.tok;
    const what =
      t.kind === 'eof'
        ? 'unexpected eof token'
        : t.kind === 'ident'
          ? `unexpected ident token: ${t.text}`
          : t.kind === 'op'
            ? `unexpected ${t.text} token`
            : `unexpected ${t.kind} token`;
    return this.error(hint ? `${what}: ${hint}` : what);
  }

  // ---- module ----

  parseModule(): Module {
    if (!this.isKw('package')) throw this.error('package expected');
    const pkgAnnotations = this.annotations(this.next(), 'package');
    const pkgTerms = this.parseHeadRef();
    const pkg: string[] = [];
    for (const t of pkgTerms) {
      if (t.type !== 'scalar' || typeof t.value !== 'string') throw this.error('invalid package path');
      pkg.push(t.value);
    }
    const mod: Module = { file: this.file, pkg, imports: [], rules: [], version: 'v1' };
    if (pkgAnnotations) mod.annotations = pkgAnnotations;
    while (this.tok.kind !== 'eof') {
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      if (this.isKw('import')) {
        mod.imports.push(this.parseImport());
        continue;
      }
      if (this.isKw('package')) throw this.unexpected();
      mod.rules.push(...this.parseRule());
    }
    return mod;
  }

  private parseImport(): Import {
    const pos = this.pos();
    this.next();
    const terms = this.parseHeadRef();
    const path: string[] = [];
    for (const t of terms) {
      if (t.type !== 'scalar' || typeof t.value !== 'string') throw this.error('invalid import path');
      path.push(t.value);
    }
    const root = path[0];
    if (root !== 'data' && root !== 'input' && root !== 'future' && root !== 'rego') {
      throw this.errorAt(
        `invalid import ${path.join('.')}, must begin with one of: {data, future, input, rego}`,
        0,
      );
    }
    let alias: string | undefined;
    if (this.isKw('as') && !this.tok.nl) {
      this.next();
      if (this.tok.kind !== 'ident') throw this.unexpected();
      alias = this.next().text;
    }
    if (root === 'future') {
      if (path[1] !== 'keywords') throw this.error(`invalid import, must be future.keywords`);
      const which = path[2];
      if (which === undefined) Object.assign(this.kw, ALL_KEYWORDS);
      else if (Object.hasOwn(this.kw, which)) this.kw[which as keyof Keywords] = true;
      else throw this.error(`unexpected keyword, must be one of [contains every if in]`);
    } else if (root === 'rego') {
      if (path.length === 2 && path[1] === 'v1') Object.assign(this.kw, ALL_KEYWORDS);
      else throw this.error(`invalid import \`${path.join('.')}\`, must be \`rego.v1\``);
    }
    return { path, alias, pos };
  }

  /** The `# METADATA` block right above `t`, if any. */
  private annotations(t: Token, scope: string): Annotations | undefined {
    if (this.comments.length === 0) return undefined;
    try {
      return annotationsAbove(this.comments, t.line, scope);
    } catch (e) {
      if (!(e instanceof AnnotationError)) throw e;
      let offset = 0;
      for (let line = 1; line < e.line; line++) offset = this.src.indexOf('\n', offset) + 1;
      throw this.errorAt(e.message, offset);
    }
  }

  /** `name(.x|[t])*` as used in package paths, imports and rule heads. */
  private parseHeadRef(): Term[] {
    if (this.tok.kind !== 'ident') throw this.unexpected('expected identifier');
    const first = this.next();
    const out: Term[] = [{ type: 'scalar', value: first.text, pos: this.pos(first) }];
    for (;;) {
      if (this.isOp('.') && !this.tok.ws) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'ident' || t.ws) throw this.unexpected('expected identifier');
        this.next();
        out.push({ type: 'scalar', value: t.text, pos: this.pos(t) });
      } else if (this.isOp('[') && !this.tok.ws) {
        this.next();
        this.depth++;
        out.push(this.parseInfix());
        this.expectOp(']');
        this.depth--;
      } else break;
    }
    return out;
  }

  // ---- rules ----

  private parseRule(): Rule[] {
    const start = this.tok;
    const pos = this.pos();
    let isDefault = false;
    if (this.isKw('default')) {
      this.next();
      isDefault = true;
    }
    if (this.tok.kind !== 'ident') throw this.unexpected();
    const ref = this.parseHeadRef();
    let args: Term[] | undefined;
    if (this.isOp('(') && !this.tok.ws) {
      this.next();
      this.depth++;
      args = [];
      if (!this.isOp(')')) {
        for (;;) {
          args.push(this.parseInfix());
          if (this.isOp(',')) {
            this.next();
            continue;
          }
          break;
        }
      }
      this.expectOp(')');
      this.depth--;
    }
    const annotations = this.annotations(start, 'rule');
    const rule: Rule = {
      ref,
      args,
      key: undefined,
      value: undefined,
      isDefault,
      assign: false,
      body: [],
      elses: [],
      pos,
      file: this.file,
    };
    if (annotations) rule.annotations = annotations;
    if (isDefault) {
      if (this.isOp(':=') || this.isOp('=')) {
        rule.assign = this.next().text === ':=';
        rule.value = this.parseInfix();
      } else if (this.kw.if) {
        // `default p` alone is not valid; report like OPA.
        throw this.unexpected('default rules must have a value');
      } else {
        throw this.unexpected();
      }
      return [rule];
    }
    let hasBody = false;
    if (this.isKw('contains') && this.kw.contains && !args) {
      this.next();
      rule.key = this.parseInfix();
    } else if (this.isOp(':=') || this.isOp('=')) {
      rule.assign = this.next().text === ':=';
      rule.value = this.parseInfix();
    }
    if (!this.kw.if && !this.tok.nl && (this.isKw('if') || this.isKw('contains'))) {
      throw this.error(
        `\`${this.tok.text}\` is a keyword only in Rego v1 or with \`import future.keywords.${this.tok.text}\``,
      );
    }
    if (this.isKw('if') && this.kw.if) {
      this.next();
      rule.body = this.parseIfBody();
      hasBody = true;
    } else if (this.isOp('{') && !this.tok.nl) {
      if (this.v1) {
        // A v0 partial set `p[x] { … }` needs both keywords in v1: say so at once, since
        // adding only `if` silently turns it into an object rule (`p[x] if` maps x to true).
        const partialSet = !rule.key && !rule.value && !args && ref.length === 2;
        const example =
          partialSet && ref[1]!.type === 'var'
            ? ` (\`${termName(ref[0]!)} contains ${ref[1]!.name} if { … }\`)`
            : '';
        throw this.error(
          partialSet
            ? `\`if\` keyword is required before rule body; \`contains\` keyword is required for partial set rules${example}`
            : '`if` keyword is required before rule body',
        );
      }
      rule.body = this.parseBlock();
      hasBody = true;
      // v0: a partial set `p[x] { ... }` (name plus one key, no value).
      if (!rule.key && !rule.value && !args && ref.length === 2) {
        rule.key = ref.pop()!;
      }
    } else if (!rule.value && !rule.key && !args) {
      if (ref.length === 2 && !this.kw.if && ref[1]!.type !== 'scalar') {
        rule.key = ref.pop()!;
      } else if (ref.length === 1 && !this.kw.if) {
        throw this.error(`rule ${ref.map(termName).join('.')} must have a body or value`, start);
      }
    }
    // v0 rules may chain extra bodies: `p { a } { b }` means two definitions.
    const extra: Rule[] = [];
    while (hasBody && this.isOp('{') && !this.tok.nl && !this.kw.if) {
      extra.push({ ...rule, body: this.parseBlock(), elses: [], pos: this.pos() });
    }
    while (this.isKw('else')) {
      const epos = this.pos();
      this.next();
      const clause: ElseClause = { value: undefined, body: [], pos: epos };
      if (this.isOp(':=') || this.isOp('=')) {
        this.next();
        clause.value = this.parseInfix();
      }
      if (this.isKw('if') && this.kw.if) {
        this.next();
        clause.body = this.parseIfBody();
      } else if (this.isOp('{') && !this.tok.nl) {
        if (this.v1) throw this.error('`if` keyword is required before rule body');
        clause.body = this.parseBlock();
      }
      rule.elses.push(clause);
    }
    return [rule, ...extra];
  }

  private parseIfBody(): Expr[] {
    if (this.isOp('{')) {
      // `if {}` is the (truthy) empty object.
      if (this.isOp('}', this.peek())) {
        const pos = this.pos();
        this.next();
        this.next();
        return [{ kind: 'term', term: { type: 'object', entries: [], pos }, with: [], pos }];
      }
      return this.parseBlock();
    }
    const saved = this.depth;
    this.depth = 0;
    const lit = this.parseLiteral();
    this.depth = saved;
    return [lit];
  }

  /** `{ literal (; | newline) ... }` */
  private parseBlock(): Expr[] {
    this.expectOp('{');
    const body = this.parseLiterals('}');
    this.expectOp('}');
    return body;
  }

  /** Literals until the closing token (not consumed). */
  private parseLiterals(close: string): Expr[] {
    const saved = this.depth;
    this.depth = 0;
    const out: Expr[] = [];
    for (;;) {
      while (this.isOp(';')) this.next();
      if (this.isOp(close) || this.tok.kind === 'eof') break;
      out.push(this.parseLiteral());
      if (this.isOp(';') || this.isOp(close) || this.tok.nl) continue;
      throw this.unexpected();
    }
    this.depth = saved;
    return out;
  }

  /** Parses a query: literals separated by `;` or newlines. */
  parseQuery(): Expr[] {
    const out = this.parseLiterals('\u0000');
    if (this.tok.kind !== 'eof') throw this.unexpected();
    if (out.length === 0) throw this.error('empty query');
    return out;
  }

  // ---- literals ----

  private parseLiteral(): Expr {
    const pos = this.pos();
    if (this.isKw('some') && this.peek().kind === 'ident' && !this.peek().nl) return this.parseSome();
    if (this.isKw('not') && !this.peek().nl) {
      this.next();
      const inner = this.parseExprStmt();
      const w = this.parseWiths();
      return { kind: 'not', expr: inner, with: w, pos };
    }
    if (this.isKw('every') && this.kw.every) return this.parseEvery();
    const e = this.parseExprStmt();
    e.with = this.parseWiths();
    return e;
  }

  private parseWiths(): WithModifier[] {
    const out: WithModifier[] = [];
    while (this.isKw('with')) {
      const pos = this.pos();
      this.next();
      const target = this.parsePostfix();
      if (!this.isKw('as')) throw this.unexpected('expected as');
      this.next();
      const value = this.parseInfix();
      out.push({ target, value, pos });
    }
    return out;
  }

  private parseSome(): Expr {
    const pos = this.pos();
    this.next();
    const terms: Term[] = [this.parseRel()];
    while (this.isOp(',')) {
      this.next();
      terms.push(this.parseRel());
    }
    if (this.isKw('in') && this.kw.in) {
      this.next();
      if (terms.length > 2) throw this.error('unexpected , token');
      const domain = this.parseRel();
      return {
        kind: 'somein',
        key: terms.length === 2 ? terms[0] : undefined,
        value: terms[terms.length - 1]!,
        domain,
        with: this.parseWiths(),
        pos,
      };
    }
    const vars: VarTerm[] = [];
    for (const t of terms) {
      if (t.type !== 'var') throw this.errorAt('expected var', 0);
      vars.push(t);
    }
    return { kind: 'some', vars, with: [], pos };
  }

  private parseEvery(): Expr {
    const pos = this.pos();
    this.next();
    const first = this.parseRel();
    let key: Term | undefined;
    let value = first;
    if (this.isOp(',')) {
      this.next();
      key = first;
      value = this.parseRel();
    }
    if (!this.isKw('in')) throw this.unexpected('expected in');
    this.next();
    const domain = this.parseRel();
    const body = this.parseBlock();
    return { kind: 'every', key, value, domain, body, with: this.parseWiths(), pos };
  }

  private parseExprStmt(): Expr {
    const pos = this.pos();
    let left = this.parseInfix();
    if (this.isOp(',') && this.kw.in && this.depth === 0) {
      // `k, v in xs`
      this.next();
      const right = this.parseInfix();
      if (right.type !== 'call' || right.fn[0] !== 'internal.member_2') throw this.unexpected();
      left = {
        type: 'call',
        fn: ['internal.member_3'],
        args: [left, right.args[0]!, right.args[1]!],
        pos: left.pos,
      };
    }
    if (this.isOp(':=') || this.isOp('=')) {
      const assign = this.next().text === ':=';
      const right = this.parseInfix();
      return { kind: assign ? 'assign' : 'unify', left, right, with: [], pos };
    }
    return { kind: 'term', term: left, with: [], pos };
  }

  // ---- expressions ----

  /** Full expression without assignment (membership, comparisons, arithmetic). */
  parseInfix(noOr = false): Term {
    let left = this.parseRel(noOr);
    while (this.isKw('in') && this.kw.in && !this.atBreak()) {
      this.next();
      const right = this.parseRel(noOr);
      left = { type: 'call', fn: ['internal.member_2'], args: [left, right], pos: left.pos };
    }
    return left;
  }

  private parseRel(noOr = false): Term {
    let left = this.parseOr(noOr);
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || !(t.text in REL_OPS) || this.atBreak()) return left;
      this.next();
      const right = this.parseOr(noOr);
      left = { type: 'call', fn: [REL_OPS[t.text]!], args: [left, right], pos: left.pos };
    }
  }

  private parseOr(noOr: boolean): Term {
    let left = this.parseAnd();
    while (!noOr && this.isOp('|') && !this.atBreak()) {
      this.next();
      const right = this.parseAnd();
      left = { type: 'call', fn: ['or'], args: [left, right], pos: left.pos };
    }
    return left;
  }

  private parseAnd(): Term {
    let left = this.parseArith();
    while (this.isOp('&') && !this.atBreak()) {
      this.next();
      const right = this.parseArith();
      left = { type: 'call', fn: ['and'], args: [left, right], pos: left.pos };
    }
    return left;
  }

  private parseArith(): Term {
    let left = this.parseFactor();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || !(t.text in ARITH_OPS) || this.atBreak()) return left;
      this.next();
      const right = this.parseFactor();
      left = { type: 'call', fn: [ARITH_OPS[t.text]!], args: [left, right], pos: left.pos };
    }
  }

  private parseFactor(): Term {
    let left = this.parseUnary();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || !(t.text in FACTOR_OPS) || this.atBreak()) return left;
      this.next();
      const right = this.parseUnary();
      left = { type: 'call', fn: [FACTOR_OPS[t.text]!], args: [left, right], pos: left.pos };
    }
  }

  private parseUnary(): Term {
    if (this.isOp('-')) {
      const t = this.next();
      const n = this.tok;
      if (n.kind === 'number' && !n.ws) {
        this.next();
        return this.parsePostfixOf(this.numberTerm('-' + n.text, t));
      }
      const operand = this.parseUnary();
      return {
        type: 'call',
        fn: ['minus'],
        args: [{ type: 'scalar', value: 0, pos: this.pos(t) }, operand],
        pos: this.pos(t),
      };
    }
    return this.parsePostfix();
  }

  private numberTerm(text: string, t: Token): Term {
    const m = /[eE]([+-]?\d+)$/.exec(text);
    if (m && Math.abs(Number(m[1])) > MAX_EXPONENT) throw this.error('number too big', t);
    const v = numberFromText(text);
    if (v === undefined || /^-?0\d/.test(text)) throw this.error(`invalid number: ${text}`, t);
    return { type: 'scalar', value: v, pos: this.pos(t) };
  }

  parsePostfix(): Term {
    return this.parsePostfixOf(this.parsePrimary());
  }

  private parsePostfixOf(term: Term): Term {
    let t = term;
    for (;;) {
      const tok = this.tok;
      if (tok.ws) return t;
      if (this.isOp('.')) {
        this.next();
        const id = this.tok;
        if (id.kind !== 'ident' || id.ws) throw this.unexpected('expected identifier');
        this.next();
        t = appendRef(t, { type: 'scalar', value: id.text, pos: this.pos(id) });
      } else if (this.isOp('[')) {
        this.next();
        this.depth++;
        const key = this.parseInfix();
        this.expectOp(']');
        this.depth--;
        t = appendRef(t, key);
      } else if (this.isOp('(')) {
        const name = dottedName(t);
        if (!name) return t;
        this.next();
        this.depth++;
        const args: Term[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            args.push(this.parseInfix());
            if (this.isOp(',')) {
              this.next();
              if (this.isOp(')')) break;
              continue;
            }
            break;
          }
        }
        this.expectOp(')');
        this.depth--;
        t = { type: 'call', fn: name, args, pos: t.pos };
      } else return t;
    }
  }

  private parsePrimary(): Term {
    const t = this.tok;
    const pos = this.pos(t);
    switch (t.kind) {
      case 'number':
        this.next();
        return this.numberTerm(t.text, t);
      case 'string':
        this.next();
        return { type: 'scalar', value: t.text, pos };
      case 'template':
        this.next();
        return this.parseTemplate(t);
      case 'ident': {
        this.next();
        const refNext = this.isOp('.') && !this.tok.ws;
        switch (refNext ? '' : t.text) {
          case 'true':
            return { type: 'scalar', value: true, pos };
          case 'false':
            return { type: 'scalar', value: false, pos };
          case 'null':
            return { type: 'scalar', value: null, pos };
          case 'set':
            if (this.isOp('(') && !this.tok.ws && this.isOp(')', this.peek())) {
              this.next();
              this.next();
              return { type: 'set', items: [], pos };
            }
            break;
          case '_':
            return { type: 'var', name: `$_${wildcardCounter++}`, pos };
        }
        return { type: 'var', name: t.text, pos };
      }
      case 'op':
        if (t.text === '(') {
          this.next();
          this.depth++;
          const inner = this.parseInfix();
          this.expectOp(')');
          this.depth--;
          return inner;
        }
        if (t.text === '[') return this.parseArray();
        if (t.text === '{') return this.parseBrace();
        break;
    }
    throw this.unexpected();
  }

  private parseArray(): Term {
    const pos = this.pos();
    this.next();
    this.depth++;
    const items: Term[] = [];
    if (!this.isOp(']')) {
      const first = this.parseInfix(true);
      if (this.isOp('|')) {
        this.next();
        const body = this.parseLiterals(']');
        this.expectOp(']');
        this.depth--;
        return { type: 'arraycompr', term: first, body, pos } satisfies ComprehensionTerm;
      }
      items.push(first);
      while (this.isOp(',')) {
        this.next();
        if (this.isOp(']')) break;
        items.push(this.parseInfix());
      }
    }
    this.expectOp(']');
    this.depth--;
    return { type: 'array', items, pos };
  }

  private parseBrace(): Term {
    const pos = this.pos();
    this.next();
    this.depth++;
    if (this.isOp('}')) {
      this.next();
      this.depth--;
      return { type: 'object', entries: [], pos };
    }
    const first = this.parseInfix(true);
    if (this.isOp(':')) {
      this.next();
      const firstVal = this.parseInfix(true);
      if (this.isOp('|')) {
        this.next();
        const body = this.parseLiterals('}');
        this.expectOp('}');
        this.depth--;
        return { type: 'objectcompr', key: first, term: firstVal, body, pos };
      }
      const entries: Array<[Term, Term]> = [[first, firstVal]];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseInfix();
        this.expectOp(':');
        entries.push([k, this.parseInfix()]);
      }
      this.expectOp('}');
      this.depth--;
      return { type: 'object', entries, pos };
    }
    if (this.isOp('|')) {
      this.next();
      const body = this.parseLiterals('}');
      this.expectOp('}');
      this.depth--;
      return { type: 'setcompr', term: first, body, pos };
    }
    const items: Term[] = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('}')) break;
      items.push(this.parseInfix());
    }
    this.expectOp('}');
    this.depth--;
    return { type: 'set', items, pos };
  }

  /** Splits `$"a {x} b"` into literal text and parsed expressions. */
  private parseTemplate(t: Token): Term {
    const raw = t.raw!;
    const base = t.rawPos!;
    const parts: Array<string | Term> = [];
    let lit = '';
    let i = 0;
    const flush = (): void => {
      if (lit.length === 0) return;
      parts.push(t.multiline ? lit : decodeEscapes(lit, (m) => this.errorAt(m, base)));
      lit = '';
    };
    while (i < raw.length) {
      const c = raw[i]!;
      if (c === '\\' && raw[i + 1] === '{') {
        flush();
        parts.push('{');
        i += 2;
        continue;
      }
      if (c === '\\' && !t.multiline) {
        lit += raw.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '{') {
        flush();
        let depth = 1;
        let j = i + 1;
        while (j < raw.length && depth > 0) {
          const d = raw[j]!;
          if (d === '{') depth++;
          else if (d === '}') depth--;
          else if (d === '"') {
            j = readString(raw, j)[1];
            continue;
          } else if (d === '`') j = raw.indexOf('`', j + 1);
          if (depth === 0) break;
          j++;
        }
        if (depth !== 0) throw this.errorAt('unterminated template expression', base + i);
        const exprSrc = raw.slice(i + 1, j);
        const sub = new Parser(exprSrc, this.file, 'v1');
        sub.kw = this.kw;
        let term: Term;
        try {
          term = sub.parseTemplateExpr();
        } catch (e) {
          if (e instanceof RegoParseError) throw this.errorAt(e.detail, base + i + 1 + (e.column - 1));
          throw e;
        }
        parts.push(term);
        i = j + 1;
        continue;
      }
      lit += c;
      i++;
    }
    flush();
    return { type: 'template', parts, pos: this.pos(t) };
  }

  private parseTemplateExpr(): Term {
    this.depth = 1;
    if (this.tok.kind === 'eof') throw this.error('empty template expression');
    const term = this.parseInfix();
    if (this.isKw('with')) {
      // `{x with input as y}`: evaluate through a one-literal comprehension that carries
      // the modifiers, then take its (first) value.
      const pos = term.pos;
      const v: VarTerm = { type: 'var', name: `$_${wildcardCounter++}`, pos };
      const lit: Expr = { kind: 'unify', left: v, right: term, with: this.parseWiths(), pos };
      if (!this.atEof()) throw this.unexpected();
      const compr: Term = { type: 'arraycompr', term: v, body: [lit], pos };
      return { type: 'call', fn: ['internal.template_first'], args: [compr], pos };
    }
    if (!this.atEof()) throw this.unexpected();
    return term;
  }
}

function decodeEscapes(s: string, fail: (m: string) => Error): string {
  try {
    return readString(`"${s}"`, 0)[0];
  } catch (e) {
    if (e instanceof LexError) throw fail(e.message);
    throw e;
  }
}

function termName(t: Term): string {
  return t.type === 'scalar' ? String(t.value) : t.type === 'var' ? t.name : '?';
}

function appendRef(t: Term, seg: Term): RefTerm {
  if (t.type === 'ref') return { type: 'ref', head: t.head, path: [...t.path, seg], pos: t.pos };
  return { type: 'ref', head: t, path: [seg], pos: t.pos };
}

/** Parses one module. The version picks v1 (default) or v0 syntax. */
export function parseModule(source: string, file = 'module.rego', version: 'v0' | 'v1' = 'v1'): Module {
  const p = new Parser(source, file, version);
  const mod = p.parseModule();
  mod.version = version;
  return mod;
}

/** Parses a query (body literals), with all v1 keywords enabled. */
export function parseQuery(source: string, file = 'query'): Expr[] {
  const p = new Parser(source, file, 'v1');
  return p.parseQuery();
}

/** Parses a single term (used for `input_term` and refs). */
export function parseTerm(source: string, file = 'term'): Term {
  const p = new Parser(source, file, 'v1');
  const body = p.parseQuery();
  const e = body[0]!;
  if (body.length !== 1 || e.kind !== 'term') throw p.errorAt('expected a term', 0);
  return e.term;
}
