# SPDX-License-Identifier: GPL-2.0-or-later
"""A signed S3 client for the tests (botocore): put files, delete objects.

usage: s3tool.py ENDPOINT BUCKET put KEY FILE | delete KEY
Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."""
import os
import sys

import botocore.config
import botocore.session


def client(endpoint):
    session = botocore.session.get_session()
    return session.create_client(
        's3', region_name='us-east-1', endpoint_url=endpoint,
        aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'],
        aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'],
        config=botocore.config.Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))


def main():
    endpoint, bucket, op = sys.argv[1:4]
    s3 = client(endpoint)
    if op == 'put':
        with open(sys.argv[5], 'rb') as f:
            s3.put_object(Bucket=bucket, Key=sys.argv[4], Body=f.read())
    elif op == 'delete':
        s3.delete_object(Bucket=bucket, Key=sys.argv[4])
    else:
        sys.exit('unknown operation ' + op)


if __name__ == '__main__':
    main()
