/**
 * Schema loading and validation (gqlparser's validator, the rules that matter for policies):
 * schema documents are merged with the built-in prelude and checked (undefined types, kinds,
 * interface implementation, empty definitions, root types, directives); queries are checked
 * against a schema (fields, arguments, required arguments, leaf selections, fragments,
 * variables, directives, value types).
 */
import { GraphQLError, ValueKind, parseSchemaDocument, type Node } from './parser.js';

/** A loaded schema. */
export interface Schema {
  types: Map<string, Node>;
  directives: Map<string, Node>;
  query?: Node;
  mutation?: Node;
  subscription?: Node;
}

const PRELUDE = `
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
directive @oneOf on INPUT_OBJECT
directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
`;

let preludeDoc: Node | undefined;

function fail(msg: string, pos?: { line: number; column: number }): never {
  throw new GraphQLError(msg, pos?.line ?? 0, pos?.column ?? 0);
}

function arr(v: unknown): Node[] {
  return Array.isArray(v) ? (v as Node[]) : [];
}

function typeString(t: Node): string {
  const inner = t.Elem ? `[${typeString(t.Elem)}]` : t.NamedType;
  return inner + (t.NonNull ? '!' : '');
}

function namedType(t: Node): string {
  return t.Elem ? namedType(t.Elem) : t.NamedType;
}

const INPUT_KINDS = new Set(['SCALAR', 'ENUM', 'INPUT_OBJECT']);
const OUTPUT_KINDS = new Set(['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM']);

/** Loads and validates a schema document (plus prelude). Throws GraphQLError. */
export function loadSchema(doc: Node): Schema {
  preludeDoc ??= parseSchemaDocument(PRELUDE);
  const types = new Map<string, Node>();
  const directives = new Map<string, Node>();
  for (const d of arr(preludeDoc.Definitions)) types.set(d.Name, { ...d, BuiltIn: true });
  for (const d of arr(preludeDoc.Directives)) directives.set(d.Name, d);
  for (const d of arr(doc.Definitions)) {
    if (types.has(d.Name)) fail(`Cannot redeclare type ${d.Name}.`, d.Position);
    types.set(d.Name, {
      ...d,
      Fields: [...arr(d.Fields)],
      Interfaces: [...(d.Interfaces ?? [])],
      Types: [...(d.Types ?? [])],
      EnumValues: [...arr(d.EnumValues)],
      Directives: [...arr(d.Directives)],
    });
  }
  for (const d of arr(doc.Directives)) {
    if (directives.has(d.Name) && !arr(preludeDoc.Directives).some((p) => p.Name === d.Name)) {
      fail(`Cannot redeclare directive ${d.Name}.`, d.Position);
    }
    directives.set(d.Name, d);
  }
  for (const ext of arr(doc.Extensions)) {
    let def = types.get(ext.Name);
    if (!def) {
      def = {
        Kind: ext.Kind,
        Description: '',
        Name: ext.Name,
        Directives: [],
        Interfaces: [],
        Fields: [],
        Types: [],
        EnumValues: [],
        Position: ext.Position,
        BuiltIn: false,
      };
      types.set(ext.Name, def);
    }
    if (def.Kind !== ext.Kind)
      fail(
        `Cannot extend type ${ext.Name} because the base type is a ${def.Kind}, not ${ext.Kind}.`,
        ext.Position,
      );
    def.Directives = [...arr(def.Directives), ...arr(ext.Directives)];
    def.Interfaces = [...(def.Interfaces ?? []), ...(ext.Interfaces ?? [])];
    def.Fields = [...arr(def.Fields), ...arr(ext.Fields)];
    def.Types = [...(def.Types ?? []), ...(ext.Types ?? [])];
    def.EnumValues = [...arr(def.EnumValues), ...arr(ext.EnumValues)];
  }
  const schema: Schema = { types, directives };
  for (const d of directives.values()) {
    for (const a of arr(d.Arguments)) checkInputType(types, a.Type, `@${d.Name}`, a.Position);
  }
  for (const def of types.values()) if (!def.BuiltIn) validateDefinition(schema, def);
  const roots = [...arr(doc.Schema), ...arr(doc.SchemaExtension)];
  for (const sd of roots) {
    for (const dir of arr(sd.Directives)) checkDirectiveUse(schema, dir, 'SCHEMA');
    for (const ot of arr(sd.OperationTypes)) {
      const t = types.get(ot.Type);
      if (!t)
        fail(`Schema root ${ot.Operation} refers to a type ${ot.Type} that does not exist.`, ot.Position);
      if (t.Kind !== 'OBJECT') fail(`Schema root ${ot.Operation} must be an OBJECT.`, ot.Position);
      (schema as unknown as Record<string, Node>)[ot.Operation] = t;
    }
  }
  if (arr(doc.Schema).length === 0) {
    schema.query ??= types.get('Query');
    schema.mutation ??= types.get('Mutation');
    schema.subscription ??= types.get('Subscription');
  }
  return schema;
}

function checkInputType(types: Map<string, Node>, t: Node, ctx: string, pos: unknown): void {
  const def = types.get(namedType(t));
  if (!def) fail(`Undefined type ${namedType(t)}.`, pos as never);
  if (!INPUT_KINDS.has(def.Kind)) fail(`${ctx}: type ${namedType(t)} must be an input type.`, pos as never);
}

function checkDirectiveUse(schema: Schema, dir: Node, location: string): void {
  const d = schema.directives.get(dir.Name);
  if (!d) fail(`Undefined directive ${dir.Name}.`, dir.Position);
  if (!(d.Locations as string[]).includes(location)) {
    fail(`Directive ${dir.Name} is not applicable on ${location}.`, dir.Position);
  }
}

function validateDefinition(schema: Schema, def: Node): void {
  const { types } = schema;
  const where = `${def.Kind} ${def.Name}`;
  if (def.Name.startsWith('__'))
    fail(
      `Name "${def.Name}" must not begin with "__", which is reserved by GraphQL introspection.`,
      def.Position,
    );
  const dirLocation: Record<string, string> = {
    SCALAR: 'SCALAR',
    OBJECT: 'OBJECT',
    INTERFACE: 'INTERFACE',
    UNION: 'UNION',
    ENUM: 'ENUM',
    INPUT_OBJECT: 'INPUT_OBJECT',
  };
  for (const dir of arr(def.Directives)) checkDirectiveUse(schema, dir, dirLocation[def.Kind]!);
  switch (def.Kind) {
    case 'OBJECT':
    case 'INTERFACE': {
      if (arr(def.Fields).length === 0) fail(`${where}: must define one or more fields.`, def.Position);
      const seen = new Set<string>();
      for (const f of arr(def.Fields)) {
        if (seen.has(f.Name)) fail(`Field ${def.Name}.${f.Name} can only be defined once.`, f.Position);
        seen.add(f.Name);
        const ft = types.get(namedType(f.Type));
        if (!ft) fail(`Undefined type ${namedType(f.Type)}.`, f.Type.Position ?? f.Position);
        if (!OUTPUT_KINDS.has(ft.Kind)) fail(`${where}: field must be an output type.`, f.Position);
        for (const a of arr(f.Arguments)) checkInputType(types, a.Type, where, a.Position);
        for (const dir of arr(f.Directives)) checkDirectiveUse(schema, dir, 'FIELD_DEFINITION');
      }
      for (const iname of def.Interfaces ?? []) {
        const iface = types.get(iname);
        if (!iface) fail(`Undefined type ${iname}.`, def.Position);
        if (iface.Kind !== 'INTERFACE') fail(`${def.Name} must be an INTERFACE.`, def.Position);
        for (const f of arr(iface.Fields)) {
          if (!arr(def.Fields).some((x) => x.Name === f.Name)) {
            fail(
              `For ${def.Name} to implement ${iname} it must have a field called ${f.Name}.`,
              def.Position,
            );
          }
        }
        for (const transitive of iface.Interfaces ?? []) {
          if (!(def.Interfaces as string[]).includes(transitive)) {
            fail(
              `${def.Name} must implement ${transitive} because it is implemented by ${iname}.`,
              def.Position,
            );
          }
        }
      }
      break;
    }
    case 'ENUM':
      if (arr(def.EnumValues).length === 0)
        fail(`${where}: must define one or more unique enum values.`, def.Position);
      break;
    case 'UNION':
      if ((def.Types ?? []).length === 0)
        fail(`${where}: must define one or more member types.`, def.Position);
      for (const m of def.Types as string[]) {
        const t = types.get(m);
        if (!t) fail(`Undefined type ${m}.`, def.Position);
        if (t.Kind !== 'OBJECT') fail(`${where}: member types must be object types.`, def.Position);
      }
      break;
    case 'INPUT_OBJECT':
      if (arr(def.Fields).length === 0) fail(`${where}: must define one or more input fields.`, def.Position);
      for (const f of arr(def.Fields)) checkInputType(types, f.Type, where, f.Position);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Query validation

const INTROSPECTION_FIELDS = new Set(['__typename', '__schema', '__type']);

/** Validates a query document against a schema; returns the first error or undefined. */
export function validateQuery(schema: Schema, doc: Node): GraphQLError | undefined {
  try {
    checkQuery(schema, doc);
    return undefined;
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
}

function checkQuery(schema: Schema, doc: Node): void {
  const fragments = new Map<string, Node>();
  for (const f of arr(doc.Fragments)) {
    if (fragments.has(f.Name)) fail(`There can be only one fragment named "${f.Name}".`, f.Position);
    fragments.set(f.Name, f);
  }
  const ops = arr(doc.Operations);
  const names = new Set<string>();
  for (const op of ops) {
    if (op.Name === '' && ops.length > 1)
      fail('This anonymous operation must be the only defined operation.', op.Position);
    if (op.Name !== '' && names.has(op.Name))
      fail(`There can be only one operation named "${op.Name}".`, op.Position);
    names.add(op.Name);
  }
  const usedFragments = new Set<string>();
  for (const op of ops) {
    const root = (schema as unknown as Record<string, Node | undefined>)[op.Operation];
    if (!root) fail(`Schema does not support operation type "${op.Operation}"`, op.Position);
    const vars = new Map<string, Node>();
    for (const v of arr(op.VariableDefinitions)) {
      if (vars.has(v.Variable)) fail(`There can be only one variable named "$${v.Variable}".`, v.Position);
      const t = schema.types.get(namedType(v.Type));
      if (!t) fail(`Unknown type "${namedType(v.Type)}".`, v.Position);
      if (!INPUT_KINDS.has(t.Kind))
        fail(`Variable "$${v.Variable}" cannot be non-input type "${typeString(v.Type)}".`, v.Position);
      if (v.DefaultValue) checkValue(schema, v.DefaultValue, v.Type, new Map(), true);
      vars.set(v.Variable, v);
    }
    const used = new Set<string>();
    const ctx: QueryCtx = { schema, fragments, vars, used, usedFragments, visiting: new Set() };
    for (const dir of arr(op.Directives)) checkDirective(ctx, dir, op.Operation.toUpperCase());
    checkSelections(ctx, arr(op.SelectionSet), root);
    for (const name of vars.keys()) {
      if (!used.has(name)) {
        const v = vars.get(name)!;
        fail(`Variable "$${name}" is never used${op.Name ? ` in operation "${op.Name}"` : ''}.`, v.Position);
      }
    }
  }
  for (const f of fragments.values()) {
    if (!usedFragments.has(f.Name)) fail(`Fragment "${f.Name}" is never used.`, f.Position);
  }
}

interface QueryCtx {
  schema: Schema;
  fragments: Map<string, Node>;
  vars: Map<string, Node>;
  used: Set<string>;
  usedFragments: Set<string>;
  visiting: Set<string>;
}

function checkDirective(ctx: QueryCtx, dir: Node, location: string): void {
  const d = ctx.schema.directives.get(dir.Name);
  if (!d) fail(`Unknown directive "@${dir.Name}".`, dir.Position);
  if (!(d.Locations as string[]).includes(location))
    fail(`Directive "@${dir.Name}" may not be used on ${location}.`, dir.Position);
  checkArguments(
    ctx,
    arr(dir.Arguments),
    arr(d.Arguments),
    `directive "@${dir.Name}"`,
    dir.Position,
    `Directive "@${dir.Name}"`,
  );
}

function checkArguments(
  ctx: QueryCtx,
  args: Node[],
  defs: Node[],
  where: string,
  pos: unknown,
  requiredWhere: string,
): void {
  for (const a of args) {
    const def = defs.find((d) => d.Name === a.Name);
    if (!def) fail(`Unknown argument "${a.Name}" on ${where}.`, a.Position);
    checkValue(ctx.schema, a.Value, def.Type, ctx.vars, false, ctx.used);
  }
  for (const d of defs) {
    if (d.Type.NonNull && !d.DefaultValue && !args.some((a) => a.Name === d.Name)) {
      fail(
        `${requiredWhere} argument "${d.Name}" of type "${typeString(d.Type)}" is required, but it was not provided.`,
        pos as never,
      );
    }
  }
}

function checkSelections(ctx: QueryCtx, sels: Node[], parent: Node): void {
  for (const s of sels) {
    if ('TypeCondition' in s && !('Alias' in s)) {
      // Inline fragment.
      let t = parent;
      if (s.TypeCondition) {
        const tc = ctx.schema.types.get(s.TypeCondition);
        if (!tc) fail(`Unknown type "${s.TypeCondition}".`, s.Position);
        t = tc;
      }
      for (const dir of arr(s.Directives)) checkDirective(ctx, dir, 'INLINE_FRAGMENT');
      checkSelections(ctx, arr(s.SelectionSet), t);
      continue;
    }
    if (!('Alias' in s)) {
      // Fragment spread.
      const f = ctx.fragments.get(s.Name);
      if (!f) fail(`Unknown fragment "${s.Name}".`, s.Position);
      ctx.usedFragments.add(s.Name);
      for (const dir of arr(s.Directives)) checkDirective(ctx, dir, 'FRAGMENT_SPREAD');
      if (ctx.visiting.has(s.Name)) fail(`Cannot spread fragment "${s.Name}" within itself.`, s.Position);
      const t = ctx.schema.types.get(f.TypeCondition);
      if (!t) fail(`Unknown type "${f.TypeCondition}".`, f.Position);
      ctx.visiting.add(s.Name);
      for (const dir of arr(f.Directives)) checkDirective(ctx, dir, 'FRAGMENT_DEFINITION');
      checkSelections(ctx, arr(f.SelectionSet), t);
      ctx.visiting.delete(s.Name);
      continue;
    }
    for (const dir of arr(s.Directives)) checkDirective(ctx, dir, 'FIELD');
    if (INTROSPECTION_FIELDS.has(s.Name)) continue;
    const fdef = arr(parent.Fields).find((f) => f.Name === s.Name);
    if (!fdef || parent.Kind === 'UNION')
      fail(`Cannot query field "${s.Name}" on type "${parent.Name}".`, s.Position);
    checkArguments(
      ctx,
      arr(s.Arguments),
      arr(fdef.Arguments),
      `field "${parent.Name}.${s.Name}"`,
      s.Position,
      `Field "${s.Name}"`,
    );
    const ft = ctx.schema.types.get(namedType(fdef.Type))!;
    const subs = arr(s.SelectionSet);
    if (ft.Kind === 'SCALAR' || ft.Kind === 'ENUM') {
      if (subs.length > 0)
        fail(
          `Field "${s.Name}" must not have a selection since type "${typeString(fdef.Type)}" has no subfields.`,
          s.Position,
        );
    } else {
      if (subs.length === 0)
        fail(
          `Field "${s.Name}" of type "${typeString(fdef.Type)}" must have a selection of subfields. Did you mean "${s.Name} { ... }"?`,
          s.Position,
        );
      checkSelections(ctx, subs, ft);
    }
  }
}

/** Checks a literal or variable against an input type. */
function checkValue(
  schema: Schema,
  v: Node,
  t: Node,
  vars: Map<string, Node>,
  isConst: boolean,
  used?: Set<string>,
): void {
  if (v.Kind === ValueKind.Variable) {
    if (isConst) fail(`Variable "$${v.Raw}" is not allowed here.`, v.Position);
    if (!vars.has(v.Raw)) fail(`Variable "$${v.Raw}" is not defined.`, v.Position);
    used?.add(v.Raw);
    return;
  }
  if (v.Kind === ValueKind.NullValue) {
    if (t.NonNull) fail(`Expected value of type "${typeString(t)}", found null.`, v.Position);
    return;
  }
  if (t.Elem) {
    if (v.Kind === ValueKind.ListValue) {
      for (const c of arr(v.Children)) checkValue(schema, c.Value, t.Elem, vars, isConst, used);
    } else checkValue(schema, v, t.Elem, vars, isConst, used);
    return;
  }
  const def = schema.types.get(t.NamedType);
  if (!def) return;
  const bad = (): never => fail(`Expected type "${typeString(t)}", found ${v.Raw}.`, v.Position);
  if (def.Kind === 'ENUM') {
    if (v.Kind !== ValueKind.EnumValue || !arr(def.EnumValues).some((e) => e.Name === v.Raw)) bad();
    return;
  }
  if (def.Kind === 'INPUT_OBJECT') {
    if (v.Kind !== ValueKind.ObjectValue) bad();
    for (const c of arr(v.Children)) {
      const f = arr(def.Fields).find((x) => x.Name === c.Name);
      if (!f) fail(`Field "${c.Name}" is not defined by type "${def.Name}".`, c.Position);
      checkValue(schema, c.Value, f.Type, vars, isConst, used);
    }
    for (const f of arr(def.Fields)) {
      if (f.Type.NonNull && !f.DefaultValue && !arr(v.Children).some((c) => c.Name === f.Name)) {
        fail(
          `Field "${def.Name}.${f.Name}" of required type "${typeString(f.Type)}" was not provided.`,
          v.Position,
        );
      }
    }
    return;
  }
  const k = v.Kind;
  switch (def.Name) {
    case 'Int':
      if (k !== ValueKind.IntValue) bad();
      break;
    case 'Float':
      if (k !== ValueKind.IntValue && k !== ValueKind.FloatValue) bad();
      break;
    case 'String':
      if (k !== ValueKind.StringValue && k !== ValueKind.BlockValue) bad();
      break;
    case 'Boolean':
      if (k !== ValueKind.BooleanValue) bad();
      break;
    case 'ID':
      if (k !== ValueKind.StringValue && k !== ValueKind.BlockValue && k !== ValueKind.IntValue) bad();
      break;
    default:
      // Custom scalars accept any literal.
      break;
  }
}
