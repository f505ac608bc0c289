// SPDX-License-Identifier: GPL-2.0-or-later
// Write flow-log text (a header line, then records) as one GZIP Parquet file with DuckDB,
// typed as AWS types its Parquet flow logs (for bench/run.sh; tests use gen-parquet.mjs).
//   node tests/parquet/text-to-parquet.mjs IN.log OUT.parquet
import { openSync, readSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const INT32 = new Set(['version', 'srcport', 'dstport', 'tcp-flags', 'traffic-path', 'encryption-status']);
const INT64 = new Set(['protocol', 'packets', 'bytes', 'start', 'end', 'packets-lost-no-route',
  'packets-lost-blackhole', 'packets-lost-mtu-exceeded', 'packets-lost-ttl-expired']);
const [input, output] = process.argv.slice(2).map((p) => resolve(p));
if (!input || !output) {
  console.error('usage: text-to-parquet.mjs IN.log OUT.parquet');
  process.exit(2);
}
const fd = openSync(input, 'r');
const buf = Buffer.alloc(65536);
const head = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)).split('\n')[0];
closeSync(fd);
const columns = head
  .split(' ')
  .map((n) => `'${n.replaceAll('-', '_')}': '${INT32.has(n) ? 'INTEGER' : INT64.has(n) ? 'BIGINT' : 'VARCHAR'}'`)
  .join(', ');
const duck = await (await DuckDBInstance.create(':memory:')).connect();
await duck.run(
  `COPY (SELECT * FROM read_csv('${input}', delim=' ', header=true, nullstr='-', quote='', escape='', ` +
    `columns={${columns}})) TO '${output}' (FORMAT parquet, COMPRESSION gzip)`,
);
