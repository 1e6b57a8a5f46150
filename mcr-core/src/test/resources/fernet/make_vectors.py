#!/usr/bin/env python3
"""Regenerates the Fernet fixtures used by the Java tests (needs the `cryptography` package).

    python3 make_vectors.py > vectors.json

Each run produces new random keys and tokens; the Java tests only need them to be made by Python.
"""
import base64
import hashlib
import json
import time

import cryptography
from cryptography.fernet import Fernet


def derived(passphrase: str) -> bytes:
    # The original's fallback for a secret that is not a Fernet key.
    return base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode("utf-8")).digest())


now = int(time.time())
key_a = Fernet.generate_key()
key_b = Fernet.generate_key()

plain = [
    (key_a, "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", now, "Pushover user key, minted now"),
    (key_a, "azGDORePK8gMaC0QOYAMyEEuzJnyUi", now, "Pushover API token, minted now"),
    (key_b, "Grüße aus Köln – 🚀 ключ 秘密", now, "unicode plaintext"),
    (key_b, "", now, "empty plaintext"),
    (key_a, "minted-in-2015", 1420070400, "token minted 2015-01-01, years ago"),
    (key_b, "minted-in-2100", 4102444800, "token minted in 2100, in the future"),
]
vectors = []
for key, text, at, note in plain:
    token = Fernet(key).encrypt_at_time(text.encode("utf-8"), at).decode("ascii")
    vectors.append({"key": key.decode("ascii"), "plaintext": text, "token": token,
                    "minted_at": at, "note": note})

passphrases = []
for phrase, given, note in [
    ("correct horse battery staple", "correct horse battery staple", "ascii passphrase"),
    ("pässwörd 🔑 geheim", "pässwörd 🔑 geheim", "unicode passphrase"),
    ("spaced secret", "  spaced secret \n", "passphrase with whitespace around it (the original strips it)"),
    ("c2hvcnQ=", "c2hvcnQ=", "valid base64 but not 32 bytes: a passphrase, not a key"),
]:
    key = derived(phrase)
    token = Fernet(key).encrypt("secret for {}".format(phrase).encode("utf-8")).decode("ascii")
    passphrases.append({"given": given, "passphrase": phrase, "derived_key": key.decode("ascii"),
                        "plaintext": "secret for {}".format(phrase), "token": token, "note": note})

# Python's Fernet(key) decodes leniently: characters outside the alphabet are skipped, input ends at
# complete padding. Each text is either a key (Fernet accepts it) or a passphrase; the token is made with
# whatever key the original would derive from the text.
k = Fernet.generate_key().decode("ascii")
detection = []
for i, text in enumerate([
    k, k.rstrip("="), k[:10] + "!" + k[10:], k[:10] + " \n" + k[10:], k.replace("-", "+").replace("_", "/"),
    k + "garbage", k[:-2], k[:5] + "ä" + k[5:], "c2hvcnQ=", k[:-1] + "===",
]):
    raw = text.encode("utf-8")
    try:
        fernet, is_key = Fernet(raw), True
    except ValueError:
        fernet, is_key = Fernet(derived(text)), False
    plaintext = "detect-{}".format(i)
    detection.append({"text": text, "is_key": is_key, "plaintext": plaintext,
                      "token": fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")})

print(json.dumps({
    "generator": "python cryptography " + cryptography.__version__,
    "generated_at": now,
    "vectors": vectors,
    "passphrases": passphrases,
    "key_detection": detection,
    "wrong_key": Fernet.generate_key().decode("ascii"),
}, ensure_ascii=False, indent=2))
