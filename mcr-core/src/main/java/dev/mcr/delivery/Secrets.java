package dev.mcr.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Removes secret values from texts that users or logs will see. */
final class Secrets {

    /** What a secret is replaced with. */
    static final String MASK = "***";
    /**
     * Shorter values are not hidden: masking every "a" or "1" would garble whole texts, and a
     * credential that short is not a secret worth hiding (real Pushover keys have 30 characters).
     */
    static final int MIN_SECRET_LENGTH = 4;

    private Secrets() {
    }

    /**
     * Replaces every occurrence of each non-blank secret (as is, trimmed and form-encoded, since a
     * server may echo the request body) with {@value #MASK}.
     *
     * @param text    the text, may be {@code null}
     * @param secrets the values to hide; {@code null} and blank ones are ignored
     * @return the scrubbed text ({@code null} stays {@code null})
     */
    static String scrub(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty() || secrets == null) {
            return text;
        }
        List<String> forms = new ArrayList<>();
        for (String secret : secrets) {
            if (secret == null || secret.isBlank()) {
                continue;
            }
            forms.add(secret);
            forms.add(secret.strip());
            forms.add(URLEncoder.encode(secret.strip(), StandardCharsets.UTF_8));
        }
        // Longest first, so that a secret containing another one is not left half visible.
        forms.sort(Comparator.comparingInt(String::length).reversed());
        String out = text;
        for (String form : forms) {
            if (form.strip().length() >= MIN_SECRET_LENGTH) {
                out = out.replace(form, MASK);
            }
        }
        return out;
    }
}
