package dev.mcr.access;

/**
 * A token just created, with its secret: the only time the secret is available.
 *
 * @param token  the token
 * @param secret the secret to send as {@code Authorization: Bearer <secret>}, starting with {@code mcr_}
 */
public record NewToken(ApiToken token, String secret) {

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "NewToken[" + token + "]";
    }
}
