#!/usr/bin/python3
"""Writes the encrypted PSKC files of hwtotp's tests that python-pskc cannot write, with the
`cryptography` package. Run from this directory:

    /usr/bin/python3 generate_draft_pskc.py

- draft-encrypted.pskcxml: the pre-RFC layout ActivIdentity still exports: KeyContainer with a
  container-wide EncryptionMethod (AES-128-CBC) holding the IV once for the file, DigestMethod
  HMAC-SHA1, Device/DeviceId/Key KeyId/KeyAlgorithm, Usage, <Data Name="SECRET"><Value> (the
  ciphertext without IV) and <ValueDigest> = HMAC-SHA1(encryption key, plaintext).
- mac-over-plaintext.pskcxml: the RFC 6030 layout with an encrypted MACKey, but a ValueMAC over
  the plaintext secret instead of IV || ciphertext (as the drafts made them).

Pre-shared key 12345678901234567890123456789012, IV 000102...0f and the RFC 4226 test seed:
all test values (tests/test_seeds.txt). Fixed IVs, so the output is the same on every run.
"""
import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY = bytes.fromhex("12345678901234567890123456789012")
IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
MAC_KEY_IV = bytes.fromhex("11223344556677889900112233445566")
MAC_KEY = bytes.fromhex("1122334455667788990011223344556677889900")
SEED = b"12345678901234567890"


def cbc(key, iv, plaintext):
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def b64(data):
    return base64.b64encode(data).decode()


def draft_encrypted():
    digest = hmac.new(KEY, SEED, hashlib.sha1).digest()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Pre-RFC 6030 layout (as ActivIdentity files are), written by generate_draft_pskc.py. -->
<KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:container:1.0" version="1.0">
<EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc">
<IV>{b64(IV)}</IV>
</EncryptionMethod>
<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/>
<Device>
<DeviceId>
<Manufacturer>ActivIdentity</Manufacturer>
<SerialNo>DRFT00000021</SerialNo>
</DeviceId>
<Key KeyAlgorithm="http://www.ietf.org/keyprov/pskc#hotp" KeyId="DRFT00000021">
<Issuer>ActivIdentity</Issuer>
<Usage OTP="true">
<ResponseFormat Format="DECIMAL" Length="8"/>
</Usage>
<Data Name="SECRET">
<Value>{b64(cbc(KEY, IV, SEED))}</Value>
<ValueDigest>{b64(digest)}</ValueDigest>
</Data>
<Data Name="COUNTER">
<Value>{b64((3).to_bytes(8, "big"))}</Value>
</Data>
</Key>
</Device>
</KeyContainer>
"""


def mac_over_plaintext():
    value_mac = hmac.new(MAC_KEY, SEED, hashlib.sha1).digest()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- RFC 6030 layout with a ValueMAC over the plaintext, written by generate_draft_pskc.py. -->
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
 <EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>
 <MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
  <MACKey>
   <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
   <xenc:CipherData>
    <xenc:CipherValue>{b64(MAC_KEY_IV + cbc(KEY, MAC_KEY_IV, MAC_KEY))}</xenc:CipherValue>
   </xenc:CipherData>
  </MACKey>
 </MACMethod>
 <KeyPackage>
  <DeviceInfo><Manufacturer>oath.HW</Manufacturer><SerialNo>MACP00000001</SerialNo></DeviceInfo>
  <Key Id="MACP00000001-key" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
   <AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
   <Data>
    <Secret>
     <EncryptedValue>
      <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <xenc:CipherData>
       <xenc:CipherValue>{b64(IV + cbc(KEY, IV, SEED))}</xenc:CipherValue>
      </xenc:CipherData>
     </EncryptedValue>
     <ValueMAC>{b64(value_mac)}</ValueMAC>
    </Secret>
    <Counter><PlainValue>0</PlainValue></Counter>
   </Data>
  </Key>
 </KeyPackage>
</KeyContainer>
"""


if __name__ == "__main__":
    with open("draft-encrypted.pskcxml", "w") as f:
        f.write(draft_encrypted())
    with open("mac-over-plaintext.pskcxml", "w") as f:
        f.write(mac_over_plaintext())
