package dev.mcr;

import dev.mcr.notify.ConfigField;
import java.util.List;
import java.util.Objects;

/**
 * A channel type as {@link Mcr#channelTypes()} lists it: what a service card offers and checks.
 *
 * @param type   the profile {@code type} (lower case)
 * @param label  the English name
 * @param fields the declared config fields, in order
 */
public record ChannelType(String type, String label, List<ConfigField> fields) {
    /** Copies the fields. */
    public ChannelType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(label, "label");
        fields = List.copyOf(fields);
    }
}
