// graphql.* builtins (OPA `graphql.go`, on vektah/gqlparser there): parsing to gqlparser-shaped
// ASTs, schema validation and query validation, from ../kernels/graphql.
import { ObjectValue, fromJS, toJSON, type Value } from '../value.js';
import {
  GraphQLError,
  parseQueryDocument,
  parseSchemaDocument,
  pruneAst,
  type Node,
} from '../kernels/graphql/parser.js';
import { loadSchema, validateQuery } from '../kernels/graphql/validate.js';
import { BuiltinError, operandError, type BuiltinDef } from './registry.js';

// Validation messages lose their final period (as in OPA); parse errors keep theirs.
function located(e: GraphQLError, what: string, trimPeriod = false): BuiltinError {
  return new BuiltinError(
    `${trimPeriod ? e.message.replace(/\.$/, '') : e.message} in GraphQL ${what} at location ${e.line}:${e.column}`,
  );
}

/** A GraphQL document operand: a string to parse, or an AST object as `parse_*` returned it. */
function docOperand(v: Value, pos: number, parse: (source: string) => Node): Node {
  if (typeof v === 'string') {
    try {
      return parse(v);
    } catch (e) {
      if (e instanceof GraphQLError) throw located(e, 'string');
      throw e;
    }
  }
  if (v instanceof ObjectValue) return toJSON(v) as Node;
  throw operandError(pos, 'one of {string, object}', v);
}

const queryDoc = (v: Value, pos: number): Node => docOperand(v, pos, parseQueryDocument);
const schemaDoc = (v: Value, pos: number): Node => docOperand(v, pos, parseSchemaDocument);

function ast(n: Node): Value {
  return fromJS(pruneAst(n));
}

/** Parses and validates both documents; throws BuiltinError on the first problem. */
function parseBoth(args: Value[]): [Node, Node] {
  const s = schemaDoc(args[1]!, 2);
  let schema;
  try {
    schema = loadSchema(s);
  } catch (e) {
    if (e instanceof GraphQLError) throw located(e, 'string', true);
    throw e;
  }
  const q = queryDoc(args[0]!, 1);
  const err = validateQuery(schema, q);
  if (err) throw located(err, 'string', true);
  return [q, s];
}

/** The `graphql` builtins. */
export const graphqlBuiltins: BuiltinDef[] = [
  { name: 'graphql.parse_query', arity: 1, fn: (args) => ast(queryDoc(args[0]!, 1)) },
  { name: 'graphql.parse_schema', arity: 1, fn: (args) => ast(schemaDoc(args[0]!, 1)) },
  {
    name: 'graphql.parse',
    arity: 2,
    fn: (args) => {
      const [q, s] = parseBoth(args);
      return [ast(q), ast(s)];
    },
  },
  {
    name: 'graphql.parse_and_verify',
    arity: 2,
    fn: (args) => {
      try {
        const [q, s] = parseBoth(args);
        return [true, ast(q), ast(s)];
      } catch (e) {
        if (e instanceof BuiltinError) return [false, new ObjectValue(), new ObjectValue()];
        throw e;
      }
    },
  },
  {
    name: 'graphql.is_valid',
    arity: 2,
    fn: (args) => {
      try {
        parseBoth(args);
        return true;
      } catch (e) {
        if (e instanceof BuiltinError) return false;
        throw e;
      }
    },
  },
  {
    name: 'graphql.schema_is_valid',
    arity: 1,
    fn: (args) => {
      try {
        loadSchema(schemaDoc(args[0]!, 1));
        return true;
      } catch (e) {
        if (e instanceof BuiltinError || e instanceof GraphQLError) return false;
        throw e;
      }
    },
  },
];
