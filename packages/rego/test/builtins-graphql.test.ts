import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, toJSON, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): unknown =>
  toJSON(getBuiltin(name)!.fn(args.map(fromJS), ctx) as Value);

const schema = `
  type Query { hero(episode: Episode!): Character }
  enum Episode { NEWHOPE EMPIRE }
  type Character { id: ID! name: String friends: [Character] }
`;

test('parse_query returns the pruned gqlparser AST', () => {
  assert.deepEqual(call('graphql.parse_query', '{hero {name}}'), {
    Operations: [
      {
        Name: '',
        Operation: 'query',
        SelectionSet: [{ Alias: 'hero', Name: 'hero', SelectionSet: [{ Alias: 'name', Name: 'name' }] }],
      },
    ],
  });
});

test('schema and query validation', () => {
  assert.equal(call('graphql.schema_is_valid', schema), true);
  assert.equal(call('graphql.schema_is_valid', 'type Hello implements World { a: String }'), false);
  assert.equal(call('graphql.schema_is_valid', 'union U = | A'), false);
  assert.equal(call('graphql.is_valid', '{ hero(episode: EMPIRE) { name friends { id } } }', schema), true);
  assert.equal(call('graphql.is_valid', '{ hero { name } }', schema), false); // required argument
  assert.equal(call('graphql.is_valid', '{ hero(episode: JEDI) { name } }', schema), false); // bad enum
  assert.equal(call('graphql.is_valid', '{ hero(episode: EMPIRE) }', schema), false); // needs a selection
  assert.equal(call('graphql.is_valid', 'query Q($e: Episode!) { hero(episode: $e) { id } }', schema), true);
  assert.equal(
    call('graphql.is_valid', 'query Q($e: Episode!) { hero(episode: EMPIRE) { id } }', schema),
    false,
  ); // unused
  assert.throws(
    () => call('graphql.parse', '{ hero { name } }', schema),
    /is required, but it was not provided in GraphQL string at location 1:3/,
  );
});
