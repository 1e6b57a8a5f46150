package dev.mcr.runtime;

import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import java.util.Objects;

/**
 * One case that fired: a regex match in an output line, or the last-line case at the end of a run.
 *
 * <p>For the {@code case_match} event use {@code pattern} (the stripped pattern the original publishes, or
 * {@value CaseMatcher#LAST_LINE_PATTERN}), {@code message} and, unless {@code lastLine}, {@code state}.
 * Regex hits go through the {@link AlertPolicy}; the last-line hit does not (the original sends it as is,
 * titled {@code "<runner name> (last line)"}, and its event has no {@code state} key).
 *
 * @param rule     the case that fired
 * @param pattern  the pattern as the original publishes it: the case's pattern stripped of Python whitespace,
 *                 or {@value CaseMatcher#LAST_LINE_PATTERN} for the last-line case
 * @param message  the rendered message (without any alert prefix)
 * @param state    the case's state; {@link CaseState#NONE} for the last-line case
 * @param lastLine whether this is the last-line case
 */
record CaseHit(CaseRule rule, String pattern, String message, CaseState state, boolean lastLine) {

    /**
     * Validates that nothing is {@code null}.
     *
     * @param rule     the case that fired
     * @param pattern  the pattern as the original publishes it
     * @param message  the rendered message
     * @param state    the case's state
     * @param lastLine whether this is the last-line case
     */
    public CaseHit {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(state, "state");
    }
}
