// Recursive-descent parser for Rego modules and queries (v0 and v1 syntax), following OPA's
// parser (v1/ast/parser.go) production by production (see README.md, "Language"):
//
// - A newline separates body literals, but an infix operator continues an expression on the
//   next line, as in OPA. Refs and calls continue only when `.`, `[` or `(` follows without
//   whitespace, so `x := a\n[b] = c` is two literals.
// - Where OPA backtracks (`[x | y, z]` is an array, `{x: y | z,}` an object, `k, v in xs`
//   versus a comma, a literal or a block after `if`, `some x in xs` versus `some x, y`), this
//   parser restores the token position and reads it the other way. Terms are memoised by
//   position so that retries stay linear.
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

/** Keywords in every Rego version (`true`, `false` and `null` are scalars). */
const ALWAYS_KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'not', 'some', 'with']);

/** A term the parser memoised at a token index: where it ended, or the error it raised. */
type Memo = { term: Term; end: number } | { error: ParseFailure; end: number };

/**
 * A parse error before it is located. Failed attempts while backtracking raise these, so they
 * are kept cheap (not an Error: no stack trace, no line scan); `Parser.run` turns the one that
 * escapes into a RegoParseError.
 */
class ParseFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** The head of a rule as written, before the body decides its kind. */
interface Head {
  ref: Term[];
  args: Term[] | undefined;
  key: Term | undefined;
  value: Term | undefined;
  assign: boolean;
  usesContains: boolean;
}

class Parser {
  private toks: Token[];
  private readonly comments: Comment[] = [];
  private i = 0;
  kw: Keywords;
  /** Rules follow Rego v1: a v1 module, or a v0 module that imports `rego.v1`. */
  v1: boolean;
  /** Terms already parsed at a token index, so backtracking never re-parses them (OPA does the same). */
  private memo: Array<Memo | undefined>;
  private starts: number[] | undefined;
  private lexFailure: ParseFailure | undefined;

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
      if (!(e instanceof LexError)) throw e;
      this.toks = [];
      this.lexFailure = this.errorAt(e.message, e.pos);
    }
    this.memo = new Array<Memo | undefined>(this.toks.length);
  }

  /** Runs a parse, reporting its failure as a located RegoParseError. */
  run<T>(parse: () => T): T {
    try {
      if (this.lexFailure) throw this.lexFailure;
      return parse();
    } catch (e) {
      if (e instanceof ParseFailure) throw this.located(e);
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

  /** The keyword `t` is in this module (optional keywords only once enabled), else undefined. */
  private keywordOf(t: Token = this.tok): string | undefined {
    if (t.kind !== 'ident') return undefined;
    const optional = Object.hasOwn(this.kw, t.text) && this.kw[t.text as keyof Keywords];
    if (!optional && !ALWAYS_KEYWORDS.has(t.text)) return undefined;
    // A keyword right before `.` starts a name (`default.x`, `contains.foo := 1`), as in OPA.
    return t === this.tok && this.refFollows() ? undefined : t.text;
  }

  /** The next token is a `.` that continues the current one into a ref. */
  private refFollows(): boolean {
    const n = this.peek();
    return n.kind === 'op' && n.text === '.' && !n.ws;
  }

  private isKw(text: string): boolean {
    const t = this.tok;
    return t.kind === 'ident' && t.text === text && this.keywordOf(t) === text;
  }

  private expectOp(text: string, hint = `expected ${text}`): Token {
    if (!this.isOp(text)) throw this.unexpected(hint);
    return this.next();
  }

  private pos(t: Token = this.tok): Pos {
    return { line: t.line, col: t.col };
  }

  /** Runs `fn`; on a parse error restores the token position and returns undefined. */
  private attempt<T>(fn: () => T | undefined): T | undefined {
    const at = this.i;
    try {
      const r = fn();
      if (r === undefined) this.i = at;
      return r;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      this.i = at;
      return undefined;
    }
  }

  errorAt(msg: string, offset: number): ParseFailure {
    return new ParseFailure(msg, offset);
  }

  /** The error with its line, column and source line. */
  private located(f: ParseFailure): RegoParseError {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= f.offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = starts[lo]!;
    let lineEnd = this.src.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = this.src.length;
    return new RegoParseError(
      f.message,
      { file: this.file, line: lo + 1, column: f.offset - lineStart + 1 },
      this.src.slice(lineStart, lineEnd).replace(/\r$/, ''),
    );
  }

  /** Offsets where the source's lines start (computed once). */
  private lineStarts(): number[] {
    if (!this.starts) {
      this.starts = [0];
      for (let k = this.src.indexOf('\n'); k >= 0; k = this.src.indexOf('\n', k + 1)) this.starts.push(k + 1);
    }
    return this.starts;
  }

  private error(msg: string, t: Token = this.tok): ParseFailure {
    return this.errorAt(msg, t.pos);
  }

  private unexpected(hint?: string): ParseFailure {
    const t = this.tok;
    const kw = this.keywordOf(t);
    const what =
      t.kind === 'eof'
        ? 'unexpected eof token'
        : kw !== undefined
          ? `unexpected ${kw} keyword`
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
    const pkg = this.parsePath('package');
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
      if (this.isKw('package')) throw this.error('unexpected package');
      mod.rules.push(...this.parseRule());
    }
    mod.version = this.v1 ? 'v1' : 'v0';
    return mod;
  }

  /** A package or import path: a var or a ref of string segments (`a.b["c-d"]`). */
  private parsePath(what: 'package' | 'import'): string[] {
    if (this.tok.kind !== 'ident' || this.keywordOf() !== undefined) throw this.unexpected('expected ident');
    const t = this.parseTerm();
    const path = dottedName(t);
    if (!path) {
      const bad =
        t.type === 'ref' ? t.path.find((p) => p.type !== 'scalar' || typeof p.value !== 'string') : t;
      throw this.errorAt(`invalid ${what} path: expecting string segments`, this.offsetOf(bad?.pos ?? t.pos));
    }
    return path;
  }

  private offsetOf(p: Pos): number {
    return (this.lineStarts()[p.line - 1] ?? this.src.length) + p.col - 1;
  }

  private parseImport(): Import {
    const pos = this.pos();
    this.next();
    const path = this.parsePath('import');
    const root = path[0];
    if (root !== 'data' && root !== 'input' && root !== 'future' && root !== 'rego') {
      throw this.errorAt(
        `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`,
        this.offsetOf(pos),
      );
    }
    let alias: string | undefined;
    if (this.isKw('as')) {
      this.next();
      if (this.tok.kind !== 'ident' || this.keywordOf() !== undefined) throw this.unexpected('expected var');
      alias = this.next().text;
    }
    const at = this.offsetOf(pos);
    if (root === 'future') {
      if (path[1] !== 'keywords' || path.length > 3) {
        throw this.errorAt('invalid import, must be `future.keywords`', at);
      }
      if (alias !== undefined) throw this.errorAt('`future` imports cannot be aliased', at);
      const which = path[2];
      if (which === undefined) Object.assign(this.kw, ALL_KEYWORDS);
      else if (Object.hasOwn(this.kw, which)) this.kw[which as keyof Keywords] = true;
      else throw this.errorAt('unexpected keyword, must be one of [contains every if in]', at);
      // `every x in xs` needs `in` (OPA enables both).
      if (this.kw.every) this.kw.in = true;
      this.memo = new Array<Memo | undefined>(this.toks.length);
    } else if (root === 'rego') {
      if (path.length !== 2 || path[1] !== 'v1') {
        throw this.errorAt(`invalid import \`${path.join('.')}\`, must be \`rego.v1\``, at);
      }
      if (!this.v1) {
        if (alias !== undefined) throw this.errorAt('`rego` imports cannot be aliased', at);
        // A v0 module importing rego.v1 is parsed and compiled by v1's rules.
        Object.assign(this.kw, ALL_KEYWORDS);
        this.v1 = true;
        this.memo = new Array<Memo | undefined>(this.toks.length);
      }
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

  // ---- rules (OPA parseRules, parseHead, parseElse, ParseRuleFromExpr) ----

  private parseRule(): Rule[] {
    const start = this.tok;
    const pos = this.pos();
    const isDefault = this.isKw('default');
    if (isDefault) this.next();
    if (this.tok.kind !== 'ident' || this.keywordOf() !== undefined) throw this.unexpected();
    const head = this.parseHead(isDefault);
    const annotations = this.annotations(start, 'rule');
    const rule: Rule = {
      ref: head.ref,
      args: head.args,
      key: head.key,
      value: head.value,
      isDefault,
      assign: head.assign,
      body: [],
      elses: [],
      pos,
      file: this.file,
    };
    if (annotations) rule.annotations = annotations;
    if (isDefault) {
      this.checkDefault(rule, start);
      return [rule];
    }
    const hasIf = this.isKw('if');
    // `p[x]` without `if`: a multi-value rule (v0), or a partial object when it has a value.
    if (!hasIf && !head.usesContains && !head.args && head.ref.length === 2 && !head.value) {
      rule.key = rule.ref.pop()!;
    }
    const nameOf = (): string => rule.ref.map(termName).join('.');
    const partialSetHint = (): string =>
      rule.key && !head.usesContains
        ? `; \`contains\` keyword is required for partial set rules${
            rule.key.type === 'var' ? ` (\`${nameOf()} contains ${rule.key.name} if { … }\`)` : ''
          }`
        : '';
    if (hasIf) {
      this.next();
      rule.body = this.parseIfBody();
      if (this.v1 && rule.key && !head.usesContains) {
        throw this.error('`contains` keyword is required for partial set rules', start);
      }
    } else if (this.isOp('{')) {
      if (this.v1) throw this.error(`\`if\` keyword is required before rule body${partialSetHint()}`);
      rule.body = this.parseBody();
    } else if (!head.usesContains) {
      // No body: a rule written as a bare expression (`p = 1`, `p.q`, `f(x)`), as OPA's
      // ParseRuleFromExpr reads it.
      if ((this.isIdentText('if') || this.isIdentText('contains')) && !this.tok.nl) {
        throw this.error(
          `\`${this.tok.text}\` is a keyword only in Rego v1 or with \`import future.keywords.${this.tok.text}\``,
        );
      }
      if (!rule.value && !rule.key) {
        if (rule.args?.length === 0) {
          throw this.error('rule argument list must take at least one argument', start);
        }
        if (!rule.args && rule.ref.length === 1) throw this.error('var cannot be used for rule name', start);
        // `f(x)` alone is a function returning true in v1 too; `p.q.r` alone only in v0.
        if (this.v1 && !rule.args) {
          throw this.error('rule must have value assignment and/or body declaration', start);
        }
      }
      if (this.v1 && rule.key)
        throw this.error('`contains` keyword is required for partial set rules', start);
      return [rule];
    } else {
      return [rule];
    }
    if (this.isKw('else')) {
      if (rule.ref.length > 1 && !rule.ref.every(isGround)) {
        throw this.error('else keyword cannot be used on rules with variables in head');
      }
      if (rule.key) throw this.error('else keyword cannot be used on multi-value rules');
      this.parseElses(rule);
    }
    // Extra bodies chain definitions sharing the head: `p { a } { b }`.
    const out = [rule];
    while (this.isOp('{')) {
      if (rule.elses.length > 0) throw this.error('expected else keyword');
      const bpos = this.pos();
      out.push({ ...rule, body: this.parseBody(), elses: [], pos: bpos });
    }
    return out;
  }

  private isIdentText(text: string): boolean {
    return this.tok.kind === 'ident' && this.tok.text === text;
  }

  /**
   * The rule head: a name, ref or call (the first `.`, `[` or `(` may follow whitespace, as in
   * OPA), then `contains key`, `= value` or `:= value`.
   */
  private parseHead(isDefault: boolean): Head {
    const nameTok = this.next();
    const nameVar: Term = { type: 'var', name: nameTok.text, pos: this.pos(nameTok) };
    const startsRef = this.isOp('.') || this.isOp('[') || this.isOp('(');
    const t = startsRef ? this.parseRefTail(nameVar, true) : nameVar;
    let ref: Term[];
    let args: Term[] | undefined;
    const name = (s: string, p: Pos): Term => ({ type: 'scalar', value: s, pos: p });
    if (t.type === 'var') ref = [name(t.name, t.pos)];
    else if (t.type === 'ref' && t.head.type === 'var') ref = [name(t.head.name, t.head.pos), ...t.path];
    else if (t.type === 'call') {
      ref = t.fn.map((s) => name(s, t.pos));
      args = t.args;
    } else throw this.error('rule head ref invalid', nameTok);
    const head: Head = { ref, args, key: undefined, value: undefined, assign: false, usesContains: false };
    if (this.isKw('contains')) {
      if (args) {
        throw this.unexpected(
          `the contains keyword can only be used with multi-value rule definitions (e.g., ${ref.map(termName).join('.')} contains <VALUE> { ... })`,
        );
      }
      this.next();
      head.key = this.parseTermIn(true);
      head.usesContains = true;
    } else if (this.isOp('=') || this.isOp(':=')) {
      head.assign = this.next().text === ':=';
      head.value = this.parseTermIn(true);
    }
    if (isDefault && !head.value && !head.args && ref.length === 2) {
      throw this.error('illegal default rule (must have a value)', nameTok);
    }
    return head;
  }

  /** OPA's validateDefaultRuleValue / validateDefaultRuleArgs. */
  private checkDefault(rule: Rule, at: Token): void {
    const bad = rule.value ? nonConstant(rule.value) : undefined;
    if (bad) throw this.error(`illegal default rule (value cannot contain ${bad})`, at);
    const seen = new Set<string>();
    for (const a of rule.args ?? []) {
      if (a.type !== 'var') {
        throw this.error(`illegal default rule (arguments cannot contain ${termTypeName(a)})`, at);
      }
      if (seen.has(a.name))
        throw this.error(`illegal default rule (arguments cannot be repeated ${a.name})`, at);
      seen.add(a.name);
    }
  }

  /** `else [= value] [if] body` links; a link with neither `if` nor `{` has body `true` and ends the chain. */
  private parseElses(rule: Rule): void {
    while (this.isKw('else')) {
      const epos = this.pos();
      this.next();
      const clause: ElseClause = { value: undefined, body: [], pos: epos };
      rule.elses.push(clause);
      if (this.isOp('=') || this.isOp(':=')) {
        this.next();
        clause.value = this.parseTermIn(true);
      } else if (!this.isOp('{') && !this.isKw('if')) {
        throw this.unexpected('expected else value term or rule body');
      }
      const hasIf = this.isKw('if');
      if (!hasIf && !this.isOp('{')) return;
      if (hasIf) this.next();
      if (this.isOp('{')) {
        if (!hasIf && this.v1) throw this.error('`if` keyword is required before rule body');
        clause.body = this.parseBody();
      } else if (!this.atEof()) {
        clause.body = [this.parseLiteral()];
      } else {
        throw this.unexpected('rule body expected');
      }
    }
  }

  /**
   * The body after `if`: one literal, or a `{ … }` block. Like OPA, a literal is tried first
   * (so `if {}` and `if {"a": x | …}` are terms), unless it turns out to be a set literal.
   */
  private parseIfBody(): Expr[] {
    if (this.isOp('{') && this.plainBlockAhead()) return this.parseBody();
    const at = this.i;
    let failure: ParseFailure | undefined;
    try {
      const lit = this.parseLiteral();
      if (!(lit.kind === 'term' && lit.term.type === 'set')) return [lit];
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      failure = e;
    }
    this.i = at;
    if (!this.isOp('{')) throw failure ?? this.unexpected();
    return this.parseBody();
  }

  /**
   * Whether the `{` here can only be read as a block, so trying it as a literal first (see
   * parseIfBody) would end the same way: it opens with a keyword literal, or no `:` or `|`
   * (what objects and comprehensions need) comes before the first `;`, `=` or `:=` at its level.
   */
  private plainBlockAhead(): boolean {
    const first = this.peek();
    if (this.isOp('}', first)) return false;
    const kw = this.keywordOf(first);
    if (kw === 'some' || kw === 'not' || kw === 'every') return true;
    let depth = 0;
    for (let k = this.i + 1; k < this.toks.length; k++) {
      const t = this.toks[k]!;
      if (t.kind !== 'op') continue;
      switch (t.text) {
        case '{':
        case '[':
        case '(':
          depth++;
          break;
        case '}':
        case ']':
        case ')':
          if (depth === 0) return true;
          depth--;
          break;
        case ':':
        case '|':
          if (depth === 0) return false;
          break;
        case ';':
        case '=':
        case ':=':
          if (depth === 0) return true;
          break;
      }
    }
    return true;
  }

  /** `{ literal (; | newline) ... }`; an empty body is an error, as in OPA. */
  private parseBody(): Expr[] {
    this.expectOp('{');
    const body = this.parseLiterals('}');
    this.expectOp('}');
    return body;
  }

  /** One or more literals up to `close` (not consumed): separated by `;` or a newline. */
  private parseLiterals(close: string): Expr[] {
    const atEnd = (): boolean => (close === '' ? this.atEof() : this.isOp(close));
    if (atEnd()) throw this.error(close === '' ? 'empty query' : 'found empty body');
    const out: Expr[] = [];
    for (;;) {
      out.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.next();
        continue;
      }
      if (atEnd()) return out;
      if (!this.tok.nl) throw this.unexpected(`expected \\n or ; or ${close === '' ? 'eof' : close}`);
    }
  }

  /** Parses a query: literals separated by `;` or newlines. */
  parseQuery(): Expr[] {
    return this.parseLiterals('');
  }

  // ---- literals ----

  private parseLiteral(): Expr {
    const pos = this.pos();
    const negated = this.isKw('not');
    if (negated) this.next();
    if (this.isKw('some')) {
      if (negated) throw this.unexpected("illegal negation of 'some'");
      return this.parseSome();
    }
    if (this.isKw('every')) {
      if (negated) throw this.unexpected("illegal negation of 'every'");
      return this.parseEvery();
    }
    const e = this.parseExpr();
    const withs = this.parseWiths();
    if (negated) return { kind: 'not', expr: e, with: withs, pos };
    e.with = withs;
    return e;
  }

  private parseWiths(): WithModifier[] {
    const out: WithModifier[] = [];
    while (this.isKw('with')) {
      const pos = this.pos();
      this.next();
      if (this.tok.kind !== 'ident' || this.keywordOf() !== undefined)
        throw this.unexpected('expected ident');
      const target = this.parseTerm();
      if (target.type !== 'var' && target.type !== 'ref') throw this.unexpected('expected with target path');
      if (!this.isKw('as')) throw this.unexpected('expected as keyword');
      this.next();
      const value = this.parseTermIn(true);
      out.push({ target, value, pos });
    }
    return out;
  }

  /** `some x, y` declares vars; `some [k,] pattern in domain` iterates (any term patterns). */
  private parseSome(): Expr {
    const pos = this.pos();
    this.next();
    const at = this.i;
    const t = this.attempt(() => this.parseTermIn(true));
    if (t?.type === 'call') {
      const fn = t.fn.join('.');
      if (fn !== 'internal.member_2' && fn !== 'internal.member_3') {
        throw this.errorAt('expected `x in xs` or `x, y in xs` expression', this.offsetOf(t.pos));
      }
      const withKey = fn === 'internal.member_3';
      if (t.args.length !== (withKey ? 3 : 2)) throw this.unexpected('illegal domain');
      const [a, b, c] = t.args;
      return {
        kind: 'somein',
        key: withKey ? a : undefined,
        value: withKey ? b! : a!,
        domain: withKey ? c! : b!,
        with: this.parseWiths(),
        pos,
      };
    }
    this.i = at;
    const vars: VarTerm[] = [];
    for (;;) {
      if (this.tok.kind !== 'ident' || this.keywordOf() !== undefined) throw this.unexpected('expected var');
      const v = this.parsePrimaryVar(this.next());
      vars.push(v);
      if (!this.isOp(',')) break;
      this.next();
    }
    return { kind: 'some', vars, with: [], pos };
  }

  private parseEvery(): Expr {
    const pos = this.pos();
    this.next();
    const t = this.parseTermIn(true);
    const fn = t.type === 'call' ? t.fn.join('.') : '';
    if (t.type !== 'call' || (fn !== 'internal.member_2' && fn !== 'internal.member_3')) {
      throw this.unexpected('expected `x[, y] in xs { ... }` expression');
    }
    const withKey = fn === 'internal.member_3';
    if (t.args.length !== (withKey ? 3 : 2)) throw this.unexpected('illegal domain');
    const key = withKey ? t.args[0] : undefined;
    const value = t.args[withKey ? 1 : 0]!;
    const domain = t.args[withKey ? 2 : 1]!;
    if (key && key.type !== 'var') throw this.unexpected('expected key to be a variable');
    if (value.type !== 'var') throw this.unexpected('expected value to be a variable');
    if (!this.isOp('{')) throw this.unexpected('missing body');
    const body = this.parseBody();
    return { kind: 'every', key, value, domain, body, with: this.parseWiths(), pos };
  }

  private parseExpr(): Expr {
    const pos = this.pos();
    const left = this.parseTermIn(true);
    if (this.isOp(':=') || this.isOp('=')) {
      const assign = this.next().text === ':=';
      const right = this.parseTermIn(true);
      return { kind: assign ? 'assign' : 'unify', left, right, with: [], pos };
    }
    return { kind: 'term', term: left, with: [], pos };
  }

  // ---- expressions (OPA: parseTermIn → Relation → Or → And → Arith → Factor → parseTerm) ----

  /**
   * Membership, the loosest infix: `x in xs`, and with `keyVal` also `k, v in xs` (not in
   * comma-separated lists, where the comma separates items).
   */
  parseTermIn(keyVal: boolean): Term {
    let left = this.parseRel();
    if (keyVal && this.isOp(',') && this.kw.in) {
      const pair = this.attempt(() => {
        this.next();
        const mid = this.parseRel();
        if (!this.isKw('in')) return undefined;
        this.next();
        const right = this.parseRel();
        return call('internal.member_3', [left, mid, right], left.pos);
      });
      if (pair) left = pair;
    }
    while (this.isKw('in')) {
      this.next();
      left = call('internal.member_2', [left, this.parseRel()], left.pos);
    }
    return left;
  }

  private parseRel(): Term {
    let left = this.parseOr();
    while (this.tok.kind === 'op' && Object.hasOwn(REL_OPS, this.tok.text)) {
      const op = REL_OPS[this.next().text]!;
      left = call(op, [left, this.parseOr()], left.pos);
    }
    return left;
  }

  private parseOr(): Term {
    let left = this.parseAnd();
    while (this.isOp('|')) {
      this.next();
      left = call('or', [left, this.parseAnd()], left.pos);
    }
    return left;
  }

  private parseAnd(): Term {
    let left = this.parseArith();
    while (this.isOp('&')) {
      this.next();
      left = call('and', [left, this.parseArith()], left.pos);
    }
    return left;
  }

  private parseArith(): Term {
    let left = this.parseFactor();
    while (this.tok.kind === 'op' && Object.hasOwn(ARITH_OPS, this.tok.text)) {
      const op = ARITH_OPS[this.next().text]!;
      left = call(op, [left, this.parseFactor()], left.pos);
    }
    return left;
  }

  private parseFactor(): Term {
    let left = this.parseTerm();
    while (this.tok.kind === 'op' && Object.hasOwn(FACTOR_OPS, this.tok.text)) {
      const op = FACTOR_OPS[this.next().text]!;
      left = call(op, [left, this.parseTerm()], left.pos);
    }
    return left;
  }

  /** A term with its ref/call suffixes, memoised by position. */
  parseTerm(): Term {
    const at = this.i;
    const m = this.memo[at];
    if (m) {
      this.i = m.end;
      if ('error' in m) throw m.error;
      return m.term;
    }
    try {
      const term = this.parseFinish(this.parsePrimary());
      this.memo[at] = { term, end: this.i };
      return term;
    } catch (e) {
      if (e instanceof ParseFailure) this.memo[at] = { error: e, end: this.i };
      throw e;
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
        switch (this.refFollows() ? '' : t.text) {
          case 'true':
            this.next();
            return { type: 'scalar', value: true, pos };
          case 'false':
            this.next();
            return { type: 'scalar', value: false, pos };
          case 'null':
            this.next();
            return { type: 'scalar', value: null, pos };
        }
        const kw = this.keywordOf(t);
        // `contains` is a keyword only in rule heads (OPA parses it as a var elsewhere).
        if (kw !== undefined && kw !== 'contains') throw this.unexpected();
        return this.parsePrimaryVar(this.next());
      }
      case 'op':
        switch (t.text) {
          case '(': {
            this.next();
            const inner = this.parseTermIn(true);
            this.expectOp(')', 'non-terminated expression');
            return inner;
          }
          case '[':
            return this.parseArray();
          case '{':
            return this.parseSetOrObject();
          case '-': {
            this.next();
            const n = this.tok;
            if (n.kind === 'number') {
              this.next();
              return this.numberTerm('-' + n.text, t);
            }
            if (this.isOp('.') && this.peek().kind === 'number' && !this.peek().ws) {
              this.next();
              return this.numberTerm('-0.' + this.next().text, t);
            }
            // Unary minus on any term: in the grammar OPA documents, though its parser only
            // takes numbers here.
            const operand = this.parseTerm();
            return call('minus', [{ type: 'scalar', value: 0, pos }, operand], pos);
          }
          case '.':
            if (this.peek().kind === 'number' && !this.peek().ws) {
              this.next();
              return this.numberTerm('0.' + this.next().text, t);
            }
            break;
        }
        break;
    }
    throw this.unexpected();
  }

  private parsePrimaryVar(t: Token): VarTerm {
    const pos = this.pos(t);
    if (t.text === '_') return { type: 'var', name: `$_${wildcardCounter++}`, pos };
    return { type: 'var', name: t.text, pos };
  }

  private numberTerm(text: string, t: Token): Term {
    const m = /[eE]([+-]?\d+)$/.exec(text);
    if (m && Math.abs(Number(m[1])) > MAX_EXPONENT) throw this.error('number too big', t);
    const v = numberFromText(text);
    if (v === undefined || /^-?0\d/.test(text)) throw this.error(`invalid number: ${text}`, t);
    return { type: 'scalar', value: v, pos: this.pos(t) };
  }

  /** Ref segments or a call right after a term (no whitespace before them). */
  private parseFinish(term: Term): Term {
    const t = this.tok;
    if (t.ws || !(this.isOp('.') || this.isOp('[') || this.isOp('('))) return term;
    return this.parseRefTail(term, false);
  }

  /**
   * `.name`, `[term]` and `(args)` suffixes. `firstAfterSpace`: the first suffix may follow
   * whitespace (rule heads: `p [x]`, as OPA's parser allows).
   */
  private parseRefTail(head: Term, firstAfterSpace: boolean): Term {
    if (head.type === 'scalar' || head.type === 'template') {
      throw this.errorAt(`illegal ref (head cannot be ${termTypeName(head)})`, this.offsetOf(head.pos));
    }
    let t = head;
    let first = true;
    for (;;) {
      if (this.tok.ws && !(first && firstAfterSpace)) return t;
      first = false;
      if (this.isOp('.')) {
        this.next();
        const id = this.tok;
        if (id.kind !== 'ident' || id.ws) throw this.unexpected('expected identifier');
        this.next();
        t = appendRef(t, { type: 'scalar', value: id.text, pos: this.pos(id) });
      } else if (this.isOp('[')) {
        this.next();
        const key = this.parseTermIn(true);
        this.expectOp(']');
        t = appendRef(t, key);
      } else if (this.isOp('(')) {
        const name = dottedName(t);
        if (!name) throw this.unexpected('function name expected before (');
        this.next();
        const args = this.parseTermList(')');
        t =
          name.length === 1 && name[0] === 'set' && args.length === 0
            ? { type: 'set', items: [], pos: t.pos }
            : { type: 'call', fn: name, args, pos: t.pos };
        // A call's result may be indexed (`f(x).y`, `f(x)[0]`), not called again.
        if (this.tok.ws || !(this.isOp('.') || this.isOp('['))) return t;
      } else return t;
    }
  }

  /** Comma-separated terms up to `end` (consumed); a trailing comma is allowed. */
  private parseTermList(end: string): Term[] {
    const items: Term[] = [];
    if (this.isOp(end)) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.parseTermIn(false));
      if (this.isOp(end)) break;
      if (!this.isOp(',')) throw this.unexpected(`expected "," or "${end}"`);
      this.next();
      if (this.isOp(end)) break;
    }
    this.next();
    return items;
  }

  /** `key: value` pairs up to `end` (consumed). */
  private parseTermPairList(end: string): Array<[Term, Term]> {
    const entries: Array<[Term, Term]> = [];
    if (this.isOp(end)) {
      this.next();
      return entries;
    }
    for (;;) {
      const k = this.parseTermIn(false);
      this.expectOp(':', 'expected ":"');
      entries.push([k, this.parseTermIn(false)]);
      if (this.isOp(end)) break;
      if (!this.isOp(',')) throw this.unexpected(`expected "," or "${end}"`);
      this.next();
      if (this.isOp(end)) break;
    }
    this.next();
    return entries;
  }

  /** A comprehension body after `|`, up to `close` (consumed). */
  private parseComprehensionBody(close: string): Expr[] {
    this.next();
    const body = this.parseLiterals(close);
    this.expectOp(close);
    return body;
  }

  /**
   * `[…]`: an array or an array comprehension. As in OPA, `[x | body]` is a comprehension when
   * the body parses; `[x|y, z]` falls back to an array holding `x | y` (bitwise or).
   */
  private parseArray(): Term {
    const pos = this.pos();
    this.next();
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], pos };
    }
    // A leading comma (`[, a]`) is accepted for compatibility and rules out a comprehension.
    const maybeCompr = !this.isOp(',');
    if (!maybeCompr) this.next();
    const at = this.i;
    const head = this.parseTerm();
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [head], pos };
    }
    if (this.isOp(',')) {
      this.next();
      return { type: 'array', items: [head, ...this.parseTermList(']')], pos };
    }
    if (this.isOp('|') && maybeCompr) {
      const body = this.comprehensionOrList(']');
      if (body) return { type: 'arraycompr', term: head, body, pos } satisfies ComprehensionTerm;
    }
    this.i = at;
    return { type: 'array', items: this.parseTermList(']'), pos };
  }

  /** Tries a comprehension body; undefined (to re-read as a list) when it fails at a comma. */
  private comprehensionOrList(close: string): Expr[] | undefined {
    try {
      return this.parseComprehensionBody(close);
    } catch (e) {
      if (e instanceof ParseFailure && this.isOp(',')) return undefined;
      throw e;
    }
  }

  /** `{…}`: an empty object, a set, an object, or a set/object comprehension (OPA parseSetOrObject). */
  private parseSetOrObject(): Term {
    const pos = this.pos();
    this.next();
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', entries: [], pos };
    }
    const maybeCompr = !this.isOp(',');
    if (!maybeCompr) this.next();
    const at = this.i;
    // A plain term first, so that `{a | b}` is a comprehension rather than a set of `a | b`.
    const head = this.parseTerm();
    if (this.isOp('|')) {
      if (maybeCompr) return this.parseSetRest(at, head, true, pos);
    } else if (this.isOp('}') || this.isOp(',')) {
      return this.parseSetRest(at, head, maybeCompr, pos);
    } else if (this.isOp(':')) {
      return this.parseObjectRest(head, maybeCompr, pos);
    }
    this.i = at;
    const head2 = this.parseTermIn(false);
    if (this.isOp('}') || this.isOp(',')) return this.parseSetRest(at, head2, false, pos);
    if (this.isOp(':')) return this.parseObjectRest(head2, maybeCompr, pos);
    throw this.unexpected('non-terminated set');
  }

  private parseSetRest(at: number, head: Term, maybeCompr: boolean, pos: Pos): Term {
    if (this.isOp('}')) {
      this.next();
      return { type: 'set', items: [head], pos };
    }
    if (this.isOp(',')) {
      this.next();
      return { type: 'set', items: [head, ...this.parseTermList('}')], pos };
    }
    if (maybeCompr) {
      const body = this.comprehensionOrList('}');
      if (body) return { type: 'setcompr', term: head, body, pos };
    }
    this.i = at;
    return { type: 'set', items: this.parseTermList('}'), pos };
  }

  private parseObjectRest(key: Term, maybeCompr: boolean, pos: Pos): Term {
    this.next(); // ':'
    const at = this.i;
    const value = this.parseTerm();
    if (maybeCompr && (this.isOp('}') || this.isOp(','))) return this.finishObject(key, value, true, pos);
    if (maybeCompr && this.isOp('|')) {
      const r = this.attempt(() => this.finishObject(key, value, true, pos));
      if (r) return r;
    }
    this.i = at;
    const value2 = this.parseTermIn(false);
    if (this.isOp('}') || this.isOp(',')) return this.finishObject(key, value2, false, pos);
    throw this.unexpected('non-terminated object');
  }

  private finishObject(key: Term, value: Term, maybeCompr: boolean, pos: Pos): Term {
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', entries: [[key, value]], pos };
    }
    if (this.isOp('|')) {
      if (!maybeCompr) throw this.unexpected('non-terminated object');
      const body = this.parseComprehensionBody('}');
      return { type: 'objectcompr', key, term: value, body, pos };
    }
    this.expectOp(',', 'non-terminated object');
    return { type: 'object', entries: [[key, value], ...this.parseTermPairList('}')], pos };
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
          if (e instanceof ParseFailure) throw this.errorAt(e.message, base + i + 1 + e.offset);
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
    if (this.lexFailure) throw this.lexFailure;
    if (this.tok.kind === 'eof') throw this.error('empty template expression');
    const term = this.parseTermIn(true);
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
function decodeEscapes(s: string, fail: (m: string) => ParseFailure): string {
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

function call(fn: string, args: Term[], pos: Pos): Term {
  return { type: 'call', fn: [fn], args, pos };
}

/** OPA's name for a term's type in messages (`illegal ref (head cannot be number)`). */
function termTypeName(t: Term): string {
  switch (t.type) {
    case 'scalar':
      return t.value === null
        ? 'null'
        : typeof t.value === 'boolean'
          ? 'boolean'
          : typeof t.value === 'string'
            ? 'string'
            : 'number';
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return 'comprehension';
    case 'template':
      return 'template string';
    default:
      return t.type;
  }
}

/** True when a term holds no variables (closures count as variable). */
function isGround(t: Term): boolean {
  switch (t.type) {
    case 'scalar':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    default:
      return false;
  }
}

/** What makes a `default` value non-constant (a ref, var or call outside closures), if anything. */
function nonConstant(t: Term): string | undefined {
  switch (t.type) {
    case 'var':
      return t.name === 'input' || t.name === 'data' ? 'ref' : 'var';
    case 'ref':
      return 'ref';
    case 'call':
      return 'call';
    case 'template':
      return t.parts.some((p) => typeof p !== 'string') ? 'var' : undefined;
    case 'array':
    case 'set':
      for (const x of t.items) {
        const bad = nonConstant(x);
        if (bad) return bad;
      }
      return undefined;
    case 'object':
      for (const [k, v] of t.entries) {
        const bad = nonConstant(k) ?? nonConstant(v);
        if (bad) return bad;
      }
      return undefined;
    default:
      return undefined;
  }
}

function appendRef(t: Term, seg: Term): RefTerm {
  if (t.type === 'ref') return { type: 'ref', head: t.head, path: [...t.path, seg], pos: t.pos };
  return { type: 'ref', head: t, path: [seg], pos: t.pos };
}

/** Parses one module. The version picks v1 (default) or v0 syntax. */
export function parseModule(source: string, file = 'module.rego', version: 'v0' | 'v1' = 'v1'): Module {
  const p = new Parser(source, file, version);
  return p.run(() => p.parseModule());
}

/** Parses a query (body literals), with all v1 keywords enabled. */
export function parseQuery(source: string, file = 'query'): Expr[] {
  const p = new Parser(source, file, 'v1');
  return p.run(() => p.parseQuery());
}

/** Parses a single term (used for `input_term` and refs). */
export function parseTerm(source: string, file = 'term'): Term {
  const p = new Parser(source, file, 'v1');
  return p.run(() => {
    const body = p.parseQuery();
    const e = body[0]!;
    if (body.length !== 1 || e.kind !== 'term') throw p.errorAt('expected a term', 0);
    return e.term;
  });
}
