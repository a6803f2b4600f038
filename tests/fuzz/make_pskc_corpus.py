#!/usr/bin/env python3
"""Writes the keyed PSKC seeds of the fuzz corpus (tests/fuzz/corpus/pskc/*.keyed).

Each file is a document followed by the fields fuzz_pskc.cpp reads after a '|': the key or
password that opens it, and read sizes that split its tags across the splitter's refills. The
documents are RFC 6030's examples, and new packages encrypted under figure 6's pre-shared key
and MAC key (RFC 6030 section 6.1: key 12345678901234567890123456789012, MAC key
1122334455667788990011223344556677889900), so that the fuzzer starts past every MAC check.
Deterministic (fixed IVs): re-running it rewrites the same bytes.

Usage: tests/fuzz/make_pskc_corpus.py   (needs python3-cryptography)
"""
import base64
import hashlib
import hmac
import pathlib

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "pskc"
KEY_HEX = "12345678901234567890123456789012"
KEY = bytes.fromhex(KEY_HEX)
MAC_KEY = bytes.fromhex("1122334455667788990011223344556677889900")


def encrypt(value: bytes, iv_byte: int) -> tuple[str, str]:
    """AES-128-CBC under the pre-shared key, IV prepended; and its ValueMAC (HMAC-SHA1)."""
    iv = bytes([iv_byte]) * 16
    padder = padding.PKCS7(128).padder()
    padded = padder.update(value) + padder.finalize()
    encryptor = Cipher(algorithms.AES(KEY), modes.CBC(iv)).encryptor()
    blob = iv + encryptor.update(padded) + encryptor.finalize()
    mac = hmac.new(MAC_KEY, blob, hashlib.sha1).digest()
    return base64.b64encode(blob).decode(), base64.b64encode(mac).decode()


def encrypted(name: str, value: bytes, iv_byte: int) -> str:
    cipher, mac = encrypt(value, iv_byte)
    return f"""                <{name}>
                    <EncryptedValue>
                        <xenc:EncryptionMethod
                            Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
                        <xenc:CipherData>
                            <xenc:CipherValue>{cipher}</xenc:CipherValue>
                        </xenc:CipherData>
                    </EncryptedValue>
                    <ValueMAC>{mac}</ValueMAC>
                </{name}>
"""


def figure6_header() -> str:
    text = (CORPUS / "figure6.pskcxml").read_text()
    return text[: text.index("<KeyPackage>")]


def check_mac_key() -> None:
    """The MAC key above is the one figure 6 carries, encrypted under the pre-shared key."""
    text = (CORPUS / "figure6.pskcxml").read_text()
    start = text.index("<xenc:CipherValue>") + len("<xenc:CipherValue>")
    blob = base64.b64decode(text[start : text.index("</xenc:CipherValue>", start)])
    decryptor = Cipher(algorithms.AES(KEY), modes.CBC(blob[:16])).decryptor()
    padded = decryptor.update(blob[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    assert unpadder.update(padded) + unpadder.finalize() == MAC_KEY


def three_packages() -> str:
    """Figure 6's header and package, then a TOTP package with every Data value encrypted and a
    HOTP package whose comment and CDATA send the splitter's lexer through it tag by tag."""
    figure6 = (CORPUS / "figure6.pskcxml").read_text()
    package = figure6[figure6.index("    <KeyPackage>") : figure6.index("</KeyContainer>")]
    totp = f"""    <KeyPackage>
        <DeviceInfo>
            <Manufacturer>Manufacturer</Manufacturer>
            <SerialNo>GAKT00000042</SerialNo>
        </DeviceInfo>
        <Key Id="totp-1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
            <AlgorithmParameters>
                <Suite>HMAC-SHA256</Suite>
                <ResponseFormat Length="6" Encoding="DECIMAL"/>
            </AlgorithmParameters>
            <Data>
{encrypted("Secret", b"12345678901234567890123456789012", 0x21)}\
{encrypted("Time", b"0", 0x22)}\
{encrypted("TimeInterval", (30).to_bytes(8, "big"), 0x23)}\
{encrypted("TimeDrift", b"-2", 0x24)}\
            </Data>
        </Key>
    </KeyPackage>
"""
    hotp = f"""    <KeyPackage><!-- a comment: the splitter lexes this package tag by tag -->
        <DeviceInfo>
            <Manufacturer><![CDATA[<Vendor & Co>]]></Manufacturer>
            <SerialNo>HOTP00000043</SerialNo>
        </DeviceInfo>
        <Key Id='hotp-2' Algorithm='urn:ietf:params:xml:ns:keyprov:pskc:hotp'>
            <AlgorithmParameters>
                <ResponseFormat Length="8" Encoding="DECIMAL"/>
            </AlgorithmParameters>
            <Data>
{encrypted("Secret", b"12345678901234567890", 0x31)}\
{encrypted("Counter", (42).to_bytes(8, "big"), 0x32)}\
            </Data>
        </Key>
    </KeyPackage>
"""
    return figure6_header() + package + totp + hotp + "</KeyContainer>\n"


def write(name: str, document: str, fields: list[str]) -> None:
    assert "|" not in document, name
    (CORPUS / name).write_text(document + "".join("|" + f for f in fields))


def main() -> None:
    check_mac_key()
    read = lambda name: (CORPUS / name).read_text()
    # RFC 6030 figure 6: AES-128-CBC with the pre-shared key; figure 7: PBKDF2, "qwerty".
    write("figure6.keyed", read("figure6.pskcxml"), [f"key={KEY_HEX}", "reads=13,1,5"])
    write("figure7.keyed", read("figure7.pskcxml"), ["password=qwerty", "reads=7,2,11"])
    # python-pskc's key-wrap file (tests/store: key 000102...0f).
    write("pp-kw-aes128.keyed", read("pp-kw-aes128.pskcxml"),
          ["key=000102030405060708090a0b0c0d0e0f", "reads=9,3,17"])
    write("three-packages.keyed", three_packages(), [f"key={KEY_HEX}", "reads=1,3,7,2,64"])
    # Plain figure 10 (four packages), read a few bytes at a time.
    write("figure10.split", read("figure10.pskcxml"), ["reads=2,5,3"])


if __name__ == "__main__":
    main()
