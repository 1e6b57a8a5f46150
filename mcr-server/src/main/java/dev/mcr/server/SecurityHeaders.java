package dev.mcr.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers every answer carries: a Content-Security-Policy that allows scripts only from this server (and the
 * page's own inline import map, by its hash), no framing by anyone, no referrer, no sharing of the window or of
 * resources with other origins, and no content sniffing.
 */
final class SecurityHeaders {

    private SecurityHeaders() {
    }

    /**
     * Builds the headers.
     *
     * @param inlineScriptHashes CSP source expressions ({@code 'sha256-…'}) of the inline scripts the page has
     * @return the headers, in a stable order
     */
    static Map<String, String> of(List<String> inlineScriptHashes) {
        StringBuilder scripts = new StringBuilder("'self'");
        inlineScriptHashes.forEach(h -> scripts.append(' ').append(h));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", "default-src 'self'; script-src " + scripts + "; style-src 'self'; "
                + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors 'none'");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put("X-Content-Type-Options", "nosniff");
        return h;
    }
}
