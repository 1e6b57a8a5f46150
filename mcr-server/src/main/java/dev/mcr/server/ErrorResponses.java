package dev.mcr.server;

import dev.mcr.error.ClosedException;
import dev.mcr.error.GroupBusyException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LoginFailedException;
import dev.mcr.error.NotPermittedException;
import dev.mcr.error.TooManyLoginAttemptsException;
import dev.mcr.error.UserExistsException;
import dev.mcr.error.UserNotFoundException;
import dev.mcr.error.LimitExceededException;
import dev.mcr.error.McrException;
import dev.mcr.error.NothingToAcknowledgeException;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunNotFoundException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.TooLargeException;
import dev.mcr.error.TooManySubscribersException;
import dev.mcr.error.VersionConflictException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into {@code {"detail": "..."}} answers: each of the core's exceptions gets
 * the original tool's status code and text. Client mistakes get a 4xx; only failures of the server itself are 500.
 *
 * <table>
 *   <caption>core exception → answer</caption>
 *   <tr><th>exception</th><th>status</th><th>detail</th></tr>
 *   <tr><td>{@link RunnerNotFoundException}</td><td>404</td><td>Runner not found</td></tr>
 *   <tr><td>{@link GroupNotFoundException}</td><td>404</td><td>Group not found</td></tr>
 *   <tr><td>{@link ProfileNotFoundException}</td><td>404</td><td>Profile not found</td></tr>
 *   <tr><td>{@link RunNotFoundException}</td><td>404</td><td>its message (no record, or its output is gone)</td></tr>
 *   <tr><td>{@link RunnerBusyException}</td><td>409</td><td>Runner already running</td></tr>
 *   <tr><td>{@link GroupBusyException}</td><td>409</td><td>Group sequence already running, or Group contains
 *       active/scheduled runners: a, b</td></tr>
 *   <tr><td>{@link NothingToAcknowledgeException}</td><td>409</td><td>its message</td></tr>
 *   <tr><td>{@link VersionConflictException}</td><td>409</td><td>its message, and {@code "current"}: the stored
 *       object as {@code GET} shows it, or {@code null} when it no longer exists</td></tr>
 *   <tr><td>{@link InvalidInputException}</td><td>400</td><td>its message</td></tr>
 *   <tr><td>{@link LimitExceededException}</td><td>400</td><td>its message</td></tr>
 *   <tr><td>{@link TooLargeException}</td><td>413</td><td>its message</td></tr>
 *   <tr><td>{@link TooManySubscribersException}</td><td>503</td><td>its message</td></tr>
 *   <tr><td>{@link ClosedException}</td><td>503</td><td>its message</td></tr>
 *   <tr><td>{@link LoginFailedException}</td><td>401</td><td>its message</td></tr>
 *   <tr><td>{@link NotPermittedException}</td><td>403</td><td>its message</td></tr>
 *   <tr><td>{@link UserNotFoundException}</td><td>404</td><td>its message</td></tr>
 *   <tr><td>{@link UserExistsException}</td><td>409</td><td>its message</td></tr>
 *   <tr><td>{@link TooManyLoginAttemptsException}</td><td>429</td><td>its message, and {@code Retry-After}</td></tr>
 *   <tr><td>{@link IllegalArgumentException}</td><td>400</td><td>its message</td></tr>
 *   <tr><td>other {@link McrException}</td><td>500</td><td>its message</td></tr>
 *   <tr><td>anything else</td><td>500</td><td>Internal Server Error</td></tr>
 * </table>
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    /** The original's text for an unknown runner. */
    static final String RUNNER_NOT_FOUND = "Runner not found";
    /** The original's text for an unknown group. */
    static final String GROUP_NOT_FOUND = "Group not found";
    /** The original's text for an unknown notification profile. */
    static final String PROFILE_NOT_FOUND = "Profile not found";
    /** The original's text for a start of a running runner. */
    static final String RUNNER_BUSY = "Runner already running";
    /** The original's text for a start of a running group sequence. */
    static final String GROUP_SEQUENCE_RUNNING = "Group sequence already running";
    /** The original's text for a group with busy members; the ids follow, comma-separated. */
    static final String GROUP_MEMBERS_BUSY = "Group contains active/scheduled runners: ";

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
        if (e instanceof VersionConflictException v) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("detail", v.getMessage());
            body.put("current", v.currentJson() == null ? null
                    : RequestJson.parse(v.currentJson().getBytes(StandardCharsets.UTF_8)));
            return HttpResponse.json(409, body);
        }
        if (e instanceof TooManyLoginAttemptsException t) {
            return HttpResponse.detail(429, t.getMessage())
                    .withHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
        }
        if (e instanceof McrException m) {
            int status = status(m);
            if (status == 500) {
                // The core's messages are sentences meant for users and never carry secrets.
                LOG.warn("A request failed: {}", e.getMessage(), e);
            }
            return HttpResponse.detail(status, detail(m));
        }
        if (e instanceof IllegalArgumentException) {
            return HttpResponse.detail(400, e.getMessage() == null ? "Bad Request" : e.getMessage());
        }
        LOG.error("A request failed unexpectedly.", e);
        return HttpResponse.detail(500, "Internal Server Error");
    }

    /**
     * Returns the status code of a core exception.
     *
     * @param e the exception
     * @return 400, 404, 409, 413, 503, or 500 for a failure of mcr itself
     */
    static int status(McrException e) {
        if (e instanceof LoginFailedException) {
            return 401;
        }
        if (e instanceof NotPermittedException) {
            return 403;
        }
        if (e instanceof TooManyLoginAttemptsException) {
            return 429;
        }
        if (e instanceof UserNotFoundException) {
            return 404;
        }
        if (e instanceof UserExistsException) {
            return 409;
        }
        if (e instanceof RunnerNotFoundException || e instanceof GroupNotFoundException
                || e instanceof ProfileNotFoundException || e instanceof RunNotFoundException) {
            return 404;
        }
        if (e instanceof RunnerBusyException || e instanceof GroupBusyException
                || e instanceof VersionConflictException || e instanceof NothingToAcknowledgeException) {
            return 409;
        }
        if (e instanceof InvalidInputException || e instanceof LimitExceededException) {
            return 400;
        }
        if (e instanceof TooLargeException) {
            return 413;
        }
        if (e instanceof TooManySubscribersException || e instanceof ClosedException) {
            return 503;
        }
        return 500;
    }

    /**
     * Returns the text a client gets for a core exception: the original tool's fixed text where it had one, else
     * the exception's message.
     *
     * @param e the exception
     * @return the text
     */
    static String detail(McrException e) {
        if (e instanceof RunnerNotFoundException) {
            return RUNNER_NOT_FOUND;
        }
        if (e instanceof GroupNotFoundException) {
            return GROUP_NOT_FOUND;
        }
        if (e instanceof ProfileNotFoundException) {
            return PROFILE_NOT_FOUND;
        }
        if (e instanceof RunnerBusyException) {
            return RUNNER_BUSY;
        }
        if (e instanceof GroupBusyException g) {
            return g.sequenceRunning() ? GROUP_SEQUENCE_RUNNING
                    : GROUP_MEMBERS_BUSY + String.join(", ", g.busyRunnerIds());
        }
        return e.getMessage();
    }
}
