package dev.mcr.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Internal: writes JSON the way the original tool stores its state, Python's
 * {@code json.dumps(x, ensure_ascii=False)}: {@code ", "} between items, {@code ": "} after keys, no line breaks,
 * {@code {}} and {@code []} for empty containers, non-ASCII characters as they are.
 */
public final class PythonJson {

    private static final ObjectWriter WRITER = StateTrees.mapper().writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEntrySpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(null)
            .withArrayIndenter(null));

    private PythonJson() {
    }

    /**
     * Writes a tree in Python's style.
     *
     * @param node the tree
     * @return the text
     */
    public static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The JSON tree could not be written: " + e.getOriginalMessage(), e);
        }
    }
}
