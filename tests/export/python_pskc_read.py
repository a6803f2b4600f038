#!/usr/bin/python3
"""Reads a PSKC file with python-pskc (Debian's python3-pskc) and prints what it finds as JSON,
for the export tests to compare with what hwtotp wrote.

usage: python_pskc_read.py FILE [--key HEX | --password-file PATH]

One object per key: serial, secret (hex), algorithm (URI), suite, digits, encoding, period,
counter, t0 (PSKC Time), drift, userid. Any failure (a MAC that does not verify, a wrong key)
exits non-zero with python-pskc's message.
"""
import json
import sys

import pskc


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    container = pskc.PSKC(sys.argv[1])
    if "--key" in sys.argv:
        container.encryption.key = bytes.fromhex(sys.argv[sys.argv.index("--key") + 1])
    if "--password-file" in sys.argv:
        with open(sys.argv[sys.argv.index("--password-file") + 1]) as f:
            container.encryption.derive_key(f.read().rstrip("\n"))
    keys = []
    for key in container.keys:
        keys.append({
            "serial": key.serial,
            "secret": key.secret.hex(),
            "algorithm": key.algorithm,
            "suite": key.algorithm_suite,
            "digits": key.response_length,
            "encoding": key.response_encoding,
            "period": key.time_interval,
            "counter": key.counter,
            "t0": key.time_offset,
            "drift": key.time_drift,
            "userid": key.userid,
        })
    json.dump(keys, sys.stdout)


if __name__ == "__main__":
    main()
