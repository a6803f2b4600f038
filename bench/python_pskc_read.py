#!/usr/bin/python3
"""The reference for PSKC import: python-pskc parses FILE, checks each ValueMAC and decrypts
every secret with the pre-shared key. usage: python_pskc_read.py FILE PSK_HEX"""
import sys

import pskc


def main():
    container = pskc.PSKC(sys.argv[1])
    container.encryption.key = bytes.fromhex(sys.argv[2])
    decrypted = sum(1 for key in container.keys if key.secret is not None)
    print(decrypted)


if __name__ == "__main__":
    main()
