#!/usr/bin/python3
"""Writes PSKC files with python3-pskc (Debian package), an independent implementation, and a
manifest of what each file holds, for tests/store. Run from this directory:

    /usr/bin/python3 generate_python_pskc.py

Output: pp-*.pskcxml and python-pskc-expected.txt (file serial type hash digits period drift
seedhex). IVs, salts and MAC keys are random, so each run writes different bytes with the same
content; the committed files are one such run.
"""
import binascii

import pskc

PRESHARED = bytes.fromhex("12345678901234567890123456789012")
PASSWORD = "qwerty"
KW_KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")

TOKENS = [
    # serial, type, suite, digits, period, drift, seed
    ("GAKT00000001", "totp", "HMAC-SHA1", 6, 30, 0, bytes(range(1, 21))),
    ("GAKT00000002", "totp", "HMAC-SHA256", 8, 60, -2, bytes(range(40, 72))),
    ("HOTP00000003", "hotp", "HMAC-SHA1", 6, None, None, b"12345678901234567890"),
]


def build():
    container = pskc.PSKC()
    for serial, kind, suite, digits, period, drift, seed in TOKENS:
        key = container.add_key(
            id=serial + "-key",
            serial=serial,
            manufacturer="oath.HW",
            issuer="python-pskc",
            secret=seed,
            algorithm="urn:ietf:params:xml:ns:keyprov:pskc:" + kind,
            algorithm_suite=suite,
            response_length=digits,
            response_encoding="DECIMAL",
        )
        if kind == "totp":
            key.time_offset = 0
            key.time_interval = period
            key.time_drift = drift
        else:
            key.counter = 42
    return container


def main():
    files = {}
    plain = build()
    plain.write("pp-plain.pskcxml")
    files["pp-plain.pskcxml"] = None

    aes = build()
    aes.encryption.setup_preshared_key(key=PRESHARED, algorithm="aes128-cbc", key_name="Pre-shared-key")
    aes.mac.setup(algorithm="hmac-sha1")
    aes.write("pp-aes128-hmac-sha1.pskcxml")

    aes256 = build()
    aes256.encryption.setup_preshared_key(
        key=bytes.fromhex(32 * "ab"), algorithm="aes256-cbc", key_name="Pre-shared-key",
        fields=["secret", "counter", "time_interval"])
    aes256.mac.setup(algorithm="hmac-sha256")
    aes256.write("pp-aes256-hmac-sha256.pskcxml")

    derived = build()
    derived.encryption.setup_pbkdf2(PASSWORD, iterations=1000, key_length=16, algorithm="aes128-cbc")
    derived.mac.setup(algorithm="hmac-sha1")
    derived.write("pp-pbkdf2.pskcxml")

    wrapped = build()
    wrapped.encryption.setup_preshared_key(key=KW_KEY, algorithm="kw-aes128", key_name="KW")
    wrapped.write("pp-kw-aes128.pskcxml")

    with open("python-pskc-expected.txt", "w") as out:
        out.write("# file serial type hash digits period drift counter seedhex\n")
        for name in ["pp-plain.pskcxml", "pp-aes128-hmac-sha1.pskcxml",
                     "pp-aes256-hmac-sha256.pskcxml", "pp-pbkdf2.pskcxml", "pp-kw-aes128.pskcxml"]:
            for serial, kind, suite, digits, period, drift, seed in TOKENS:
                out.write("%s %s %s %s %d %d %d %d %s\n" % (
                    name, serial, kind, suite.split("-")[1].lower(), digits, period or 30,
                    drift or 0, 42 if kind == "hotp" else 0,
                    binascii.hexlify(seed).decode()))


if __name__ == "__main__":
    main()
