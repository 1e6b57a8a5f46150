package dev.mcr.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A regex rule applied to each output line of a runner.
 *
 * <p>A case with both pattern and template set is active. A case with both empty is the
 * <em>last-line case</em>: at the end of every run, the last non-empty line becomes the message.
 * A case with only one of the two is ignored.
 *
 * @param id              the case id
 * @param pattern         the regex, in Python {@code re} syntax
 * @param messageTemplate the message, with {@code {match}}, {@code {g1}} and named-group placeholders
 * @param state           the state the case carries
 * @param extra           unknown JSON keys of the case object, kept so that keys a newer client wrote survive a save
 *                        of a client that does not know them (plain Java values)
 */
public record CaseRule(String id, String pattern, String messageTemplate, CaseState state, Map<String, Object> extra) {

    /** Validates that no component is {@code null}; copies the extra keys. */
    public CaseRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(messageTemplate, "messageTemplate");
        Objects.requireNonNull(state, "state");
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * A case without unknown keys.
     *
     * @param id              the case id
     * @param pattern         the regex, in Python {@code re} syntax
     * @param messageTemplate the message template
     * @param state           the state the case carries
     */
    public CaseRule(String id, String pattern, String messageTemplate, CaseState state) {
        this(id, pattern, messageTemplate, state, Map.of());
    }

    /**
     * Creates a case with a new id.
     *
     * @param pattern         regex in Python syntax
     * @param messageTemplate message template
     * @param state           state
     * @return the case
     */
    public static CaseRule of(String pattern, String messageTemplate, CaseState state) {
        return new CaseRule(Ids.newId(Ids.CASE), pattern, messageTemplate, state);
    }

    /** Returns whether both pattern and template are set (blank counts as unset). */
    public boolean isActive() {
        return !pattern.isBlank() && !messageTemplate.isBlank();
    }

    /** Returns whether both pattern and template are empty: the last-line case. */
    public boolean isLastLineCase() {
        return pattern.isBlank() && messageTemplate.isBlank();
    }

    /** Returns a copy with another id. */
    public CaseRule withId(String newId) {
        return new CaseRule(newId, pattern, messageTemplate, state, extra);
    }
}
