package dev.mcr.server;

import dev.mcr.ConflictException;
import dev.mcr.InvalidStateException;
import dev.mcr.LimitExceededException;
import dev.mcr.McrException;
import dev.mcr.NotFoundException;
import dev.mcr.PayloadTooLargeException;
import dev.mcr.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into {@code {"detail": "..."}} answers. Client mistakes get a 4xx
 * with the exception's sentence; only failures of the server itself are 500.
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /**
     * Maps an exception to an answer.
     *
     * @param e the failure
     * @return the answer
     */
    static HttpResponse from(RuntimeException e) {
        if (e instanceof HttpError h) {
            return HttpResponse.detail(h.status(), h.getMessage()).withHeaders(h.headers());
        }
        if (e instanceof NotFoundException) {
            return HttpResponse.detail(404, e.getMessage());
        }
        if (e instanceof ConflictException) {
            return HttpResponse.detail(409, e.getMessage());
        }
        if (e instanceof InvalidStateException) {
            return HttpResponse.detail(400, e.getMessage());
        }
        if (e instanceof LimitExceededException) {
            return HttpResponse.detail(400, e.getMessage());
        }
        if (e instanceof PayloadTooLargeException) {
            return HttpResponse.detail(413, e.getMessage());
        }
        if (e instanceof UnavailableException) {
            return HttpResponse.detail(503, e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return HttpResponse.detail(400, e.getMessage() == null ? "Bad Request" : e.getMessage());
        }
        if (e instanceof McrException) {
            // The core's messages are sentences meant for users and never carry secrets.
            LOG.warn("A request failed: {}", e.getMessage(), e);
            return HttpResponse.detail(500, e.getMessage());
        }
        LOG.error("A request failed unexpectedly.", e);
        return HttpResponse.detail(500, "Internal Server Error");
    }
}
