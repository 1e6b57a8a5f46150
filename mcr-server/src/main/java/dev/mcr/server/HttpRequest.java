package dev.mcr.server;

import dev.mcr.access.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the routes see it, free of the HTTP library's types.
 *
 * @param method  the method in upper case, for example {@code GET}
 * @param path    the percent-decoded path, for example {@code /api/log/runner1}
 * @param query   the decoded query parameters, each with all its values in order
 * @param headers the headers, names in lower case
 * @param body    the body, read on demand
 * @param peer    the address of the connection's other end (a proxy's, behind one), {@code ""} when unknown
 * @param caller  who the request acts for, set once the credentials were checked; {@code null} before
 */
record HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                   Body body, String peer, Principal caller) {

    /** Reads a request body at most once, with a size limit. */
    interface Body {
        /**
         * Returns whether the request declares a body: a Content-Length above zero, or a Transfer-Encoding.
         *
         * @return true when there is a body to read
         */
        boolean present();

        /**
         * Reads exactly {@code Content-Length} bytes.
         *
         * @param limit          the largest accepted body
         * @param tooLargeDetail the {@code detail} text of the 413 answer
         * @return the bytes
         * @throws HttpError 411 without {@code Content-Length}, 413 over the limit, 400 or 408 when the body
         *                   cannot be read
         */
        byte[] read(int limit, String tooLargeDetail);
    }

    HttpRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        peer = peer == null ? "" : peer;
    }

    /** A request from an unknown peer, before authentication. */
    HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers, Body body) {
        this(method, path, query, headers, body, "", null);
    }

    /** This request as acting for a caller. */
    HttpRequest withCaller(Principal who) {
        return new HttpRequest(method, path, query, headers, body, peer, who);
    }

    /** Returns a header by case-insensitive name, or {@code null}. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Returns the last value of a query parameter (like Starlette), or {@code null} when absent. */
    String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
