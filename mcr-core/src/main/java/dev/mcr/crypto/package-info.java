/**
 * Internal (not exported): credentials at rest and in API payloads: the {@code enc:v1:} Fernet cipher that is
 * byte-compatible with the original tool's Python {@code cryptography} tokens, and the {@code __SECRET_SET__}
 * masking rules.
 */
package dev.mcr.crypto;
