// SPDX-License-Identifier: GPL-2.0-or-later
// Test S3 server: @20minutes/s3rver (verifies SigV4) on an ephemeral loopback port, every request logged with whether it was signed.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const S3rver = require('@20minutes/s3rver');
const AWSAccount = require('@20minutes/s3rver/lib/models/account');
const S3Object = require('@20minutes/s3rver/lib/models/object');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['dir', 'bucket', 'port-file', 'log', 'key', 'secret'])
  if (!args[need]) { console.error(`s3rver-run: --${need} missing`); process.exit(2); }

AWSAccount.DUMMY_ACCOUNT.createKeyPair(args.key, args.secret);
const log = fs.createWriteStream(args.log, { flags: 'a' });

function* walk(dir, rel = '') {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const key = rel ? `${rel}/${name}` : name;
    if (fs.statSync(full).isDirectory()) yield* walk(full, key);
    else yield [full, key];
  }
}

(async () => {
  const app = new S3rver({ directory: args.dir, silent: true, vhostBuckets: false,
                           configureBuckets: [{ name: args.bucket }] });
  await app.configureBuckets();
  // s3rver 4.0.4's filesystem store does not walk past the first level below the prefix when a
  // delimiter is given, so keys nested deeper never yield their CommonPrefixes (S3 does): group
  // the full listing here instead (the prefixes on the last page, so a page never repeats them).
  const listObjects = app.store.listObjects.bind(app.store);
  app.store.listObjects = async (bucket, options) => {
    if (!options.delimiter) return listObjects(bucket, options);
    const all = await listObjects(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const prefix = options.prefix || '';
    const commonPrefixes = new Set();
    const objects = [];
    for (const object of all.objects) {
      const at = object.key.slice(prefix.length).indexOf(options.delimiter);
      if (at !== -1) commonPrefixes.add(object.key.slice(0, prefix.length + at + 1));
      else objects.push(object);
    }
    const maxKeys = options.maxKeys === undefined ? Infinity : options.maxKeys;
    const isTruncated = objects.length > maxKeys;
    return { objects: objects.slice(0, maxKeys), commonPrefixes: isTruncated ? [] : [...commonPrefixes].sort(),
             isTruncated };
  };
  if (args.seed)
    for (const [full, key] of walk(args.seed))
      await app.store.putObject(new S3Object(args.bucket, (args.prefix || '') + key,
                                             fs.readFileSync(full), {}));
  const handle = app.callback();
  const server = http.createServer((req, res) => {
    const signed = /^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization || '');
    res.on('finish', () => log.write(`${req.method} ${req.url} ${signed ? 'signed' : 'UNSIGNED'} ${res.statusCode}\n`));
    handle(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(args['port-file'] + '.tmp', `${server.address().port}\n`);
    fs.renameSync(args['port-file'] + '.tmp', args['port-file']);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
})().catch((err) => { console.error(err); process.exit(1); });
