// SPDX-License-Identifier: GPL-2.0-or-later
// Print a Parquet flow log as flow-log text, read by DuckDB (an independent reader, for the
// oracle tests/flowcheck.py): a header line of the column names ('_' as '-'), then one line
// per row, values separated by single spaces, a null as "-".
//   node tests/parquet/parquet-to-text.mjs FILE.parquet
import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [input] = process.argv.slice(2).map((p) => resolve(p));
if (!input) {
  console.error('usage: parquet-to-text.mjs FILE.parquet');
  process.exit(2);
}
const duck = await (await DuckDBInstance.create(':memory:')).connect();
const reader = await duck.runAndReadAll(`SELECT * FROM read_parquet('${input.replaceAll("'", "''")}')`);
const out = [reader.columnNames().map((n) => n.replaceAll('_', '-')).join(' ')];
for (const row of reader.getRows())
  out.push(row.map((v) => (v === null || v === undefined ? '-' : String(v))).join(' '));
process.stdout.write(out.join('\n') + '\n');
