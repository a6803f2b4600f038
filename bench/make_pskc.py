#!/usr/bin/python3
"""Writes a PSKC file of N TOTP keys with python-pskc (Debian's python3-pskc), the independent
implementation hwtotp is compared against.

usage: make_pskc.py N OUT.pskcxml PSK_HEX [--plain]

Keys are encrypted with the pre-shared key (AES-128-CBC) and MACed (HMAC-SHA1), the way token
vendors ship seed files. Serials are BENCH00000000, BENCH00000001, ...; seeds are random.
"""
import os
import sys

import pskc


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    count, out, psk = int(sys.argv[1]), sys.argv[2], bytes.fromhex(sys.argv[3])
    container = pskc.PSKC()
    if "--plain" not in sys.argv:
        container.encryption.setup_preshared_key(key=psk, algorithm="aes128-cbc")
        container.mac.setup(algorithm="hmac-sha1")
    for i in range(count):
        container.add_key(
            id="key%d" % i,
            serial="BENCH%08d" % i,
            manufacturer="Bench",
            secret=os.urandom(20),
            algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp",
            response_length=6,
            time_interval=30,
        )
    container.write(out)


if __name__ == "__main__":
    main()
