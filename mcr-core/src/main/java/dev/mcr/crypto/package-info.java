/**
 * Internal (not exported): credentials at rest and in API payloads: the {@code enc:v1:} Fernet cipher that is
 * byte-compatible with the original tool's Python {@code cryptography} tokens, the codec that encrypts the secrets of
 * configured objects before they are stored and decrypts them after a load (stores only ever see tokens), and the
 * {@code __SECRET_SET__} masking and merge rules, in one place.
 */
package dev.mcr.crypto;
