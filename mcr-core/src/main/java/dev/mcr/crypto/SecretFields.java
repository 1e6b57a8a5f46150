package dev.mcr.crypto;

/**
 * Tells which values of a profile's {@code config} are secrets. The channel types declare it (the secret fields of
 * their {@code ConfigField}s); a key a type does not declare, and every key of a type without a declaration, is a
 * secret when its name says so ({@link SecretMasking#isSecretKey}).
 */
@FunctionalInterface
public interface SecretFields {

    /** Recognises secrets by key name only (the rule before channels declared their fields). */
    SecretFields BY_NAME = (type, key) -> SecretMasking.isSecretKey(key);

    /**
     * Tells whether a config value holds a secret.
     *
     * @param profileType the profile's {@code type} (lower case), may be {@code null}
     * @param configKey   the key in its {@code config}
     * @return true when the value must be encrypted at rest and masked in answers
     */
    boolean isSecret(String profileType, String configKey);
}
