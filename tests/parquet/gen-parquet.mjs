// SPDX-License-Identifier: GPL-2.0-or-later
// Write the Parquet twins of the text samples with two independent writers
// (DuckDB, and Apache Arrow's Rust implementation compiled to WebAssembly in
// parquet-wasm), covering every codec, dictionary on/off, v1/v2 data pages,
// the DELTA encodings, several row groups, nulls, IPv6 and the v5/v8 sets.
//   cd tests && npm ci && node parquet/gen-parquet.mjs ../data/samples OUT-DIR TWIN-DIR
// (committed: OUT-DIR data/samples/parquet, TWIN-DIR tests/parquet/twins).
// Columns are typed as in Athena's table for Parquet flow logs: version,
// ports, tcp_flags, traffic_path (and encryption_status) int32; protocol,
// packets, bytes, start, end int64; the rest UTF8 strings; "-" is a null.
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableToIPC, vectorFromArray, Table, Int32, Int64, Utf8 } from 'apache-arrow';
import * as pw from 'parquet-wasm/node';

const INT32 = new Set(['version', 'srcport', 'dstport', 'tcp-flags', 'traffic-path', 'encryption-status']);
const INT64 = new Set(['protocol', 'packets', 'bytes', 'start', 'end', 'packets-lost-no-route',
  'packets-lost-blackhole', 'packets-lost-mtu-exceeded', 'packets-lost-ttl-expired']);
const kind = (name) => (INT32.has(name) ? 'int32' : INT64.has(name) ? 'int64' : 'string');

const [samples, outdir, twindir] = process.argv.slice(2).map((p) => resolve(p));
if (!samples || !outdir || !twindir) {
  console.error('usage: gen-parquet.mjs SAMPLES-DIR OUT-DIR TWIN-DIR');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
mkdirSync(twindir, { recursive: true });

// A text sample up to a second header line (v5-custom.log changes format
// midway; tests/e2e-parquet.sh cuts its text twin the same way): its header
// names and its rows (arrays of strings, null for "-").
const isHeader = (line) => line.split(' ').every((t) => /^[a-z]+(-[a-z]+)*$/.test(t));
function readSample(name) {
  let lines = readFileSync(join(samples, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const second = lines.findIndex((l, i) => i > 0 && isHeader(l));
  if (second > 0) lines = lines.slice(0, second);
  const names = lines[0].split(' ');
  const rows = lines.slice(1).map((l) => l.split(' ').map((v) => (v === '-' ? null : v)));
  for (const r of rows) if (r.length !== names.length) throw new Error(`${name}: ragged line`);
  // Parquet's signed INT32/INT64 cannot hold every text value (default-v2.log
  // has a bytes count of 2^64-1): such rows are left out of both twins.
  const fits = (n, v) =>
    v === null || kind(n) === 'string' ||
    (kind(n) === 'int32' ? Math.abs(Number(v)) < 2 ** 31 : BigInt(v) < 2n ** 63n);
  return { names, rows: rows.filter((r) => r.every((v, i) => fits(names[i], v))) };
}

// The text twin of a sample: exactly the records the Parquet files hold.
function writeTwin(sample) {
  const { names, rows } = readSample(sample);
  const text = [names.join(' '), ...rows.map((r) => r.map((v) => v ?? '-').join(' '))].join('\n') + '\n';
  writeFileSync(join(twindir, basename(sample)), text);
  return join(twindir, basename(sample));
}

// ---- parquet-wasm (arrow-rs) ----
function arrowTable({ names, rows }) {
  const columns = {};
  names.forEach((n, i) => {
    const values = rows.map((r) => r[i]);
    const k = kind(n);
    const col = n.replaceAll('-', '_');
    if (k === 'int32') columns[col] = vectorFromArray(values.map((v) => (v === null ? null : Number(v))), new Int32());
    else if (k === 'int64') columns[col] = vectorFromArray(values.map((v) => (v === null ? null : BigInt(v))), new Int64());
    else columns[col] = vectorFromArray(values, new Utf8());
  });
  return new Table(columns);
}

const PW_CODEC = { gzip: pw.Compression.GZIP, snappy: pw.Compression.SNAPPY, zstd: pw.Compression.ZSTD, none: pw.Compression.UNCOMPRESSED };

function writeArrowRs(sample, out, { codec, v2 = false, dictionary = true, rowGroup, ints, strings }) {
  const data = readSample(sample);
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(PW_CODEC[codec])
    .setWriterVersion(v2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setDictionaryEnabled(dictionary);
  if (rowGroup) props = props.setMaxRowGroupSize(rowGroup);
  for (const n of data.names) {
    const enc = kind(n) === 'string' ? strings : ints;
    if (enc) props = props.setColumnEncoding(n.replaceAll('-', '_'), pw.Encoding[enc]);
  }
  const table = pw.Table.fromIPCStream(tableToIPC(arrowTable(data), 'stream'));
  writeFileSync(join(outdir, out), pw.writeParquet(table, props.build()));
}

// ---- DuckDB ----
const duck = await (await DuckDBInstance.create(':memory:')).connect();

async function writeDuckDB(sample, out, { codec, v2 = false, dictionary = true }) {
  const { names } = readSample(sample);
  const twin = writeTwin(sample);
  const types = { int32: 'INTEGER', int64: 'BIGINT', string: 'VARCHAR' };
  const columns = names.map((n) => `'${n.replaceAll('-', '_')}': '${types[kind(n)]}'`).join(', ');
  const options = [`FORMAT parquet`, `COMPRESSION ${codec === 'none' ? 'uncompressed' : codec}`];
  if (v2) options.push(`PARQUET_VERSION v2`);
  if (!dictionary) options.push(`DICTIONARY_SIZE_LIMIT 0`);
  const target = join(outdir, out);
  rmSync(target, { force: true });
  await duck.run(
    `COPY (SELECT * FROM read_csv('${twin}', delim=' ', header=true, nullstr='-', ` +
      `quote='', escape='', columns={${columns}})) TO '${target}' (${options.join(', ')})`,
  );
}

// Every committed sample: its text twin is TWIN-DIR/<first part>.log.
const arrowRs = [
  ['default-v2.log', 'default-v2.arrow-gzip-dict-groups.log.parquet', { codec: 'gzip', rowGroup: 5 }],
  ['default-v2.log', 'default-v2.arrow-none-plain.log.parquet', { codec: 'none', dictionary: false }],
  ['v5-custom.log', 'v5-custom.arrow-snappy-v2-delta.log.parquet',
    { codec: 'snappy', v2: true, dictionary: false, ints: 'DELTA_BINARY_PACKED', strings: 'DELTA_BYTE_ARRAY', rowGroup: 7 }],
  ['ipv6.log', 'ipv6.arrow-zstd-v2-dlba.log.parquet',
    { codec: 'zstd', v2: true, dictionary: false, ints: 'DELTA_BINARY_PACKED', strings: 'DELTA_LENGTH_BYTE_ARRAY' }],
  ['v8-all.log', 'v8-all.arrow-gzip-v2-dict.log.parquet', { codec: 'gzip', v2: true, rowGroup: 4 }],
  ['tgw/tgw-default.log', 'tgw-default.arrow-gzip-v2-dict.log.parquet', { codec: 'gzip', v2: true, rowGroup: 4 }],
];
const duckdb = [
  ['default-v2.log', 'default-v2.duckdb-gzip.log.parquet', { codec: 'gzip' }],
  ['v5-custom.log', 'v5-custom.duckdb-snappy.log.parquet', { codec: 'snappy' }],
  ['ipv6.log', 'ipv6.duckdb-zstd-v2.log.parquet', { codec: 'zstd', v2: true }],
  ['v8-all.log', 'v8-all.duckdb-none-nodict.log.parquet', { codec: 'none', dictionary: false }],
  ['default-v2.log', 'default-v2.duckdb-zstd-v2-nodict.log.parquet', { codec: 'zstd', v2: true, dictionary: false }],
  ['tgw/tgw-default.log', 'tgw-default.duckdb-gzip.log.parquet', { codec: 'gzip' }],
];
for (const [sample] of arrowRs) writeTwin(sample);
for (const [sample, out, opts] of arrowRs) writeArrowRs(sample, out, opts);
for (const [sample, out, opts] of duckdb) await writeDuckDB(sample, out, opts);
console.log(`wrote ${arrowRs.length + duckdb.length} Parquet files to ${outdir}`);
