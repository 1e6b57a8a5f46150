package dev.mcr.server;

import dev.mcr.access.Access;
import dev.mcr.access.Principal;
import dev.mcr.access.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication and authorization of every request, after the host and origin checks: finds the caller (a
 * session cookie, a bearer token, Basic auth of a user or of the account in the environment, or nobody), then asks
 * the {@link RouteTable} what the route needs. Unauthenticated: 401; authenticated without the role: 403 with a
 * sentence; a change through a session without the session's {@code X-CSRF-Token}: 403.
 *
 * <p>With no users and no Basic account in the environment, everybody is the anonymous admin (mcr's behaviour
 * before users). The environment's account keeps working through Basic auth as an admin.
 */
final class AccessGate {

    /** Name of the session cookie. */
    static final String COOKIE = "mcr_session";

    private final Access access;
    private final BasicAuth environmentAccount;
    private final String environmentUser;

    /**
     * @param access      users, sessions, tokens
     * @param environment the Basic account of the environment, or {@code null}
     * @param envUser     its user name, or {@code null}
     */
    AccessGate(Access access, BasicAuth environment, String envUser) {
        this.access = access;
        this.environmentAccount = environment;
        this.environmentUser = envUser;
    }

    /** Whether anybody needs credentials: users exist or the environment names an account. */
    boolean closed() {
        return environmentAccount != null || access.hasUsers();
    }

    /** The challenge of a 401: Basic only when the environment's account exists (a browser then asks for it). */
    Map<String, String> challenge() {
        return Map.of("WWW-Authenticate", environmentAccount != null ? BasicAuth.CHALLENGE
                : "Bearer realm=\"multi-command-runner\"");
    }

    /**
     * Finds the caller from the credentials the request carries.
     *
     * @param request the request
     * @param rule    the route's rule (on public routes, bad credentials count as none)
     * @param address the client's address (for the back-off of Basic attempts)
     * @return the caller, or {@code null} when the request carries no credentials that work
     * @throws HttpError 401 for bad credentials, and the back-off's 429
     */
    Principal identify(HttpRequest request, RouteTable.Rule rule, String address) {
        if (rule.need() != RouteTable.Need.PUBLIC) {
            return identify(request, address, true);
        }
        try {
            return identify(request, address, false);
        } catch (RuntimeException e) {
            // A public route answers without a caller, also when the store of users does not answer (/readyz must
            // then say so itself).
            return null;
        }
    }

    /**
     * Admits a caller to a route.
     *
     * @param request the request
     * @param rule    the route's rule
     * @param caller  the caller from {@link #identify}, or {@code null}
     * @throws HttpError 401 without a caller, 403 without the role or the CSRF token
     */
    void authorize(HttpRequest request, RouteTable.Rule rule, Principal caller) {
        RouteTable.Need need = rule.need();
        if (need == RouteTable.Need.PUBLIC || need == RouteTable.Need.PAGE && access.hasUsers()) {
            return;
        }
        if (caller == null) {
            throw new HttpError(401, "Unauthorized", challenge());
        }
        Role needed = need.role();
        if (!caller.role().covers(needed)) {
            throw new HttpError(403, "Your role " + caller.role().json() + " may not " + rule.what() + ": that needs "
                    + "the role " + needed.json() + (needed == Role.ADMIN ? "." : " or above."));
        }
        if (caller.kind() == Principal.Kind.SESSION && changes(request.method())) {
            String sent = request.header("x-csrf-token");
            if (sent == null || !MessageDigest.isEqual(sent.strip().getBytes(StandardCharsets.UTF_8),
                    caller.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new HttpError(403, "A change made with a session cookie needs the header X-CSRF-Token with "
                        + "the session's token (GET /api/me gives it).");
            }
        }
    }

    static boolean changes(String method) {
        return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }

    /**
     * Finds the caller from the credentials the request carries.
     *
     * @param strict whether bad credentials are an error (401/429); on public routes they count as none
     */
    private Principal identify(HttpRequest request, String address, boolean strict) {
        if (!closed()) {
            // Nothing configured: every header is ignored, as before users existed.
            return Principal.ANONYMOUS;
        }
        String authorization = request.header("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<Principal> token = access.token(authorization.substring(7).strip());
            if (token.isPresent() || !strict) {
                return token.orElse(null);
            }
            throw new HttpError(401, "Unauthorized", challenge());
        }
        if (authorization != null && authorization.startsWith("Basic ")) {
            if (environmentAccount != null && environmentAccount.allows(authorization)) {
                return Principal.environmentAccount(environmentUser);
            }
            String[] pair = BasicAuth.decode(authorization);
            if (pair != null && access.hasUsers()) {
                try {
                    return access.basic(pair[0], pair[1].toCharArray(), address);
                } catch (RuntimeException e) {
                    if (strict) {
                        throw e;
                    }
                    return null;
                }
            }
            if (strict) {
                throw new HttpError(401, "Unauthorized", challenge());
            }
            return null;
        }
        String secret = cookie(request.header("cookie"));
        if (secret != null) {
            Optional<Principal> session = access.session(secret);
            if (session.isPresent()) {
                return session.get();
            }
        }
        return null;
    }

    /** The session cookie's value in a {@code Cookie} header, or {@code null}. */
    static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }
}
