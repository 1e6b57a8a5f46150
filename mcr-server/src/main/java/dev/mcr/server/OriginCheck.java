package dev.mcr.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Refuses requests a browser sends on behalf of another site: on every {@code /api/} route and for every method
 * that may change something, a request whose {@code Origin} is present and is not this server's own origin
 * (its scheme's host and port equal the request's {@code Host}) gets 403, and so does one whose
 * {@code Sec-Fetch-Site} is anything but {@code same-origin} or {@code none} ({@code same-site} included: a
 * page on another port of the same host is another origin).
 *
 * <p>Clients that are not browsers send neither header and pass. The page itself ({@code GET /}) and its
 * assets may be loaded from anywhere (a link from a dashboard); framing is refused by the security headers.
 */
final class OriginCheck implements BeforeHandler {

    @Override
    public void check(HttpRequest request) {
        boolean safeMethod = request.method().equals("GET") || request.method().equals("HEAD");
        if (safeMethod && !request.path().startsWith("/api/")) {
            return;
        }
        String site = request.header("sec-fetch-site");
        if (site != null) {
            String s = site.strip().toLowerCase(Locale.ROOT);
            if (!s.equals("same-origin") && !s.equals("none")) {
                throw new HttpError(403, "Requests from other web pages are refused (Sec-Fetch-Site: "
                        + (s.length() > 20 ? s.substring(0, 20) : s) + ").");
            }
        }
        String origin = request.header("origin");
        if (origin != null && !sameOrigin(origin.strip(), request.header("host"))) {
            throw new HttpError(403, "Requests from other web pages are refused: the Origin header does not name "
                    + "this server.");
        }
    }

    /** Whether an origin ({@code scheme://host[:port]}) names the host and port of the request's Host header. */
    static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        HostCheck.HostPort host = HostCheck.HostPort.parse(hostHeader.strip().toLowerCase(Locale.ROOT));
        if (host == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = scheme.equals("http") ? 80 : scheme.equals("https") ? 443 : -1;
        if (defaultPort < 0 || uri.getRawAuthority() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return false;
        }
        HostCheck.HostPort from = HostCheck.HostPort.parse(uri.getRawAuthority().toLowerCase(Locale.ROOT));
        if (from == null) {
            return false;
        }
        int originPort = from.port() < 0 ? defaultPort : from.port();
        int hostPort = host.port() < 0 ? defaultPort : host.port();
        return from.host().equals(host.host()) && originPort == hostPort;
    }
}
