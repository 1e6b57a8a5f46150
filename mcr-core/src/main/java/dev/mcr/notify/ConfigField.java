package dev.mcr.notify;

import java.util.List;
import java.util.Objects;

/**
 * One setting of a channel type, as the type declares it: the server validates a profile's {@code config} against
 * the declared fields, the crypto layer encrypts and masks the values of {@link Kind#SECRET} fields, and the web UI
 * renders the service card from them.
 *
 * <pre>{@code
 * List<ConfigField> fields = List.of(
 *         ConfigField.url("url", "Webhook URL").asRequired(),
 *         ConfigField.secret("secret", "Signing secret"),
 *         ConfigField.choice("priority", "Priority", List.of("low", "high")).withDefault("low"));
 * }</pre>
 *
 * @param name         the key in the profile's {@code config}; lower-case letters, digits and '_'
 * @param label        the English label (the UI translates the fields of built-in channels)
 * @param kind         what the value is
 * @param required     whether a saved profile must have a non-blank value
 * @param defaultValue the value a new profile starts with, {@code ""} for none
 * @param choices      the allowed values of a {@link Kind#CHOICE} field; empty for every other kind
 */
public record ConfigField(String name, String label, Kind kind, boolean required, String defaultValue,
                          List<String> choices) {

    /** What a field's value is; the server checks it and the UI picks its input from it. */
    public enum Kind {
        /** Any text. */
        TEXT,
        /** A credential: encrypted at rest ({@code enc:v1:}), masked in every answer, kept when a save sends the mask. */
        SECRET,
        /** An absolute {@code http} or {@code https} URL. */
        URL,
        /** A whole number. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOL,
        /** One of {@link ConfigField#choices()}. */
        CHOICE;

        /** Returns the lower-case name used in JSON ({@code "secret"}). */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates the components. */
    public ConfigField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(kind, "kind");
        if (!name.matches("[a-z0-9_]{1,60}")) {
            throw new IllegalArgumentException("A config field name must be 1 to 60 lower-case letters, digits or '_', not '"
                    + name + "'.");
        }
        defaultValue = defaultValue == null ? "" : defaultValue;
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (kind == Kind.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("The choice field '" + name + "' needs at least one choice.");
        }
        if (kind != Kind.CHOICE && !choices.isEmpty()) {
            throw new IllegalArgumentException("Only a choice field has choices; '" + name + "' is " + kind.jsonName() + ".");
        }
    }

    /**
     * Declares an optional text field.
     *
     * @param name  the config key
     * @param label the English label
     * @return the field
     */
    public static ConfigField text(String name, String label) {
        return new ConfigField(name, label, Kind.TEXT, false, "", List.of());
    }

    /**
     * Declares an optional secret field.
     *
     * @param name  the config key
     * @param label the English label
     * @return the field
     */
    public static ConfigField secret(String name, String label) {
        return new ConfigField(name, label, Kind.SECRET, false, "", List.of());
    }

    /**
     * Declares an optional URL field (http or https).
     *
     * @param name  the config key
     * @param label the English label
     * @return the field
     */
    public static ConfigField url(String name, String label) {
        return new ConfigField(name, label, Kind.URL, false, "", List.of());
    }

    /**
     * Declares an optional whole-number field.
     *
     * @param name  the config key
     * @param label the English label
     * @return the field
     */
    public static ConfigField number(String name, String label) {
        return new ConfigField(name, label, Kind.NUMBER, false, "", List.of());
    }

    /**
     * Declares an optional yes/no field.
     *
     * @param name  the config key
     * @param label the English label
     * @return the field
     */
    public static ConfigField bool(String name, String label) {
        return new ConfigField(name, label, Kind.BOOL, false, "false", List.of());
    }

    /**
     * Declares a choice field whose default is its first choice.
     *
     * @param name    the config key
     * @param label   the English label
     * @param choices the allowed values, at least one
     * @return the field
     */
    public static ConfigField choice(String name, String label, List<String> choices) {
        return new ConfigField(name, label, Kind.CHOICE, false, choices.isEmpty() ? "" : choices.get(0), choices);
    }

    /**
     * Returns a copy that a saved profile must fill.
     *
     * @return the required field
     */
    public ConfigField asRequired() {
        return new ConfigField(name, label, kind, true, defaultValue, choices);
    }

    /**
     * Returns a copy with another default value.
     *
     * @param value the default
     * @return the copy
     */
    public ConfigField withDefault(String value) {
        return new ConfigField(name, label, kind, required, value, choices);
    }

    /** Returns whether the value is a credential. */
    public boolean isSecret() {
        return kind == Kind.SECRET;
    }
}
