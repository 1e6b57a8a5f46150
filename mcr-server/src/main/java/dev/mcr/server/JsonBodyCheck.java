package dev.mcr.server;

import java.util.Locale;
import java.util.Set;

/**
 * Requires {@code Content-Type: application/json} (a charset or other parameter is fine) on every request that
 * may change something: POST, PUT and PATCH always, DELETE when it carries a body. Anything else gets 415.
 *
 * <p>This closes cross-site request forgery without a preflight: an HTML form can only send
 * {@code text/plain}, {@code multipart/form-data} or {@code application/x-www-form-urlencoded}, and
 * {@code fetch(…, {mode: 'no-cors'})} or {@code navigator.sendBeacon} with a Blob or byte array send no
 * type at all. A browser sends {@code application/json} to another origin only after a CORS preflight, which
 * this server never approves. A DELETE without a body needs no type: no browser sends a DELETE to another
 * origin without that preflight (the original web client's DELETE requests carry no type).
 */
final class JsonBodyCheck implements BeforeHandler {

    private static final Set<String> ALWAYS = Set.of("POST", "PUT", "PATCH");

    @Override
    public void check(HttpRequest request) {
        String method = request.method();
        if (!ALWAYS.contains(method) && !(method.equals("DELETE") && request.body().present())) {
            return;
        }
        if (!isJson(request.header("content-type"))) {
            throw new HttpError(415, "A request that changes something must send its body as JSON "
                    + "(Content-Type: application/json).");
        }
    }

    /** Whether a Content-Type is {@code application/json}, with or without parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }
}
