import { InvalidArgumentError } from '@streamweave/core';
import knexFactory from 'knex';
import { dbIncrementalSource, dbQuerySource, dbSink, exactlyOnceDbSink } from './index.js';

const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
afterAll(() => knex.destroy());

describe('@streamweave/db option checks', () => {
  it.each([
    [() => dbQuerySource(undefined as never), 'dbQuerySource: options must be an object'],
    [() => dbQuerySource({ query: () => undefined } as never), 'dbQuerySource: `connection` (a knex instance or config) is required'],
    [() => dbQuerySource({ connection: knex, query: 'select 1' as never }), 'dbQuerySource: `query` must be a function (knex) => query builder'],
    [() => dbIncrementalSource(null as never), 'dbIncrementalSource: options must be an object'],
    [() => dbIncrementalSource({ table: 't', column: 'id' } as never), 'dbIncrementalSource: `connection` (a knex instance or config) is required'],
    [() => dbIncrementalSource({ connection: knex, table: '', column: 'id' }), 'dbIncrementalSource: `table` must be a non-empty string'],
    [() => dbIncrementalSource({ connection: knex, table: 't', column: 'id', batchSize: 0 }), 'dbIncrementalSource: `batchSize` must be a positive integer, got 0'],
    [() => dbSink(1 as never), 'dbSink: options must be an object'],
    [() => dbSink({ table: 't' } as never), 'dbSink: `connection` (a knex instance or config) is required'],
    [() => dbSink({ connection: knex, table: '' }), 'dbSink: `table` must be a non-empty string'],
    [() => dbSink({ connection: knex, table: 't', batchSize: 1.5 }), 'dbSink: `batchSize` must be a positive integer, got 1.5'],
    [() => dbSink({ connection: knex, table: 't', upsert: { conflict: [] } }), 'dbSink: `upsert.conflict` must be a non-empty array of column names'],
    [() => exactlyOnceDbSink(undefined as never), 'exactlyOnceDbSink: options must be an object'],
    [() => exactlyOnceDbSink({ connection: { client: 'pg' } as never, table: 't' }), 'exactlyOnceDbSink: `connection` must be a knex instance'],
    [() => exactlyOnceDbSink({ connection: knex, table: '' }), 'exactlyOnceDbSink: `table` must be a non-empty string'],
    [() => exactlyOnceDbSink({ connection: knex, table: 't', batchSize: -1 }), 'exactlyOnceDbSink: `batchSize` must be a positive integer, got -1'],
    [() => exactlyOnceDbSink({ connection: knex, table: 't', upsert: { conflict: [3 as never] } }), 'exactlyOnceDbSink: `upsert.conflict` must be a non-empty array of column names'],
  ])('rejects bad options (%#)', (make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('seek rejects a position of another shape', () => {
    const ctx = { signal: new AbortController().signal } as never;
    const q = dbQuerySource({ connection: knex, query: (db) => db('t') }).open(ctx);
    expect(() => q.seek!('x')).toThrow('dbQuerySource: cannot seek to "x": a position is a row count');
    const i = dbIncrementalSource({ connection: knex, table: 't', column: 'id' }).open(ctx);
    expect(() => i.seek!({ after: true })).toThrow('dbIncrementalSource: cannot seek to {"after":true}: expected { after: <column value> }');
    i.seek!({ after: 7 });
    expect(i.position!()).toEqual({ after: 7 });
  });
});
