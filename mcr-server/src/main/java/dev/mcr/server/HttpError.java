package dev.mcr.server;

import java.util.Map;

/** A client mistake the routes answer with {@code {"detail": "..."}} and a 4xx status. */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    HttpError(int status, String detail) {
        this(status, detail, Map.of());
    }

    HttpError(int status, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
