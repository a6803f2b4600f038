#!/usr/bin/python3
"""Writes a password-protected PSKC file of the tokens in a CSV with python-pskc (Debian's
python3-pskc): the reference for `hwtotp export --format pskc --password-file`.

usage: python_pskc_write.py TOKENS.csv OUT.pskcxml PASSWORD [ITERATIONS]

The CSV holds "serial,hex seed" lines (bench/compare.py write_csv). The file is protected as
hwtotp protects its exports: PBKDF2 with HMAC-SHA256 (ITERATIONS, default python-pskc's own
100,000), AES-128-CBC, HMAC-SHA256 value MACs; TOTP, 6 digits, 30 s.
"""
import sys

import pskc


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    source, out, password = sys.argv[1], sys.argv[2], sys.argv[3]
    iterations = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
    container = pskc.PSKC()
    container.encryption.setup_pbkdf2(
        password, iterations=iterations, prf="hmac-sha256", algorithm="aes128-cbc")
    container.mac.setup(algorithm="hmac-sha256")
    with open(source) as f:
        for line in f:
            serial, seed = line.strip().split(",")[:2]
            container.add_key(
                id=serial,
                serial=serial,
                secret=bytes.fromhex(seed),
                algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp",
                algorithm_suite="HMAC-SHA1",
                response_encoding="DECIMAL",
                response_length=6,
                time_offset=0,
                time_interval=30,
                time_drift=0,
            )
    container.write(out)


if __name__ == "__main__":
    main()
