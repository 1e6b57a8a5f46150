package dev.mcr.server;

/**
 * One check a request passes before it reaches its route (host, origin, body type; authentication and roles are
 * {@link AccessGate}), in the
 * order {@link ApiRoutes} lists them. A check that refuses throws an {@link HttpError} with the answer's status
 * and sentence; the route never runs.
 */
interface BeforeHandler {

    /**
     * Checks a request.
     *
     * @param request the request
     * @throws HttpError when the request is refused
     */
    void check(HttpRequest request);
}
