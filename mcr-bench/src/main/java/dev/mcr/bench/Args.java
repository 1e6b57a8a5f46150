package dev.mcr.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options of the form {@code --name=value}; unknown names are rejected with a sentence. */
public final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * Parses options.
     *
     * @param args    the arguments after the benchmark's name
     * @param allowed the option names this benchmark understands
     * @throws IllegalArgumentException for an argument that is not {@code --name=value} or an unknown name
     */
    public Args(List<String> args, Set<String> allowed) {
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("Options are written --name=value; '" + a + "' is not.");
            }
            String name = a.substring(2, eq);
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name + "; this benchmark knows "
                        + String.join(", ", allowed.stream().map(n -> "--" + n).sorted().toList()) + ".");
            }
            values.put(name, a.substring(eq + 1));
        }
    }

    /**
     * Returns a whole-number option.
     *
     * @param name the option
     * @param def  its default
     * @return the value
     * @throws IllegalArgumentException when the value is not a whole number
     */
    public long longValue(String name, long def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + v + "'.", e);
        }
    }

    /**
     * Returns an integer option.
     *
     * @param name the option
     * @param def  its default
     * @return the value
     * @throws IllegalArgumentException when the value is not an integer
     */
    public int intValue(String name, int def) {
        long v = longValue(name, def);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " is too large: " + v + ".");
        }
        return (int) v;
    }

    /**
     * Returns a duration option given in milliseconds.
     *
     * @param name the option
     * @param def  its default
     * @return the value
     */
    public Duration millis(String name, Duration def) {
        return Duration.ofMillis(longValue(name, def.toMillis()));
    }

    /**
     * Returns a text option.
     *
     * @param name the option
     * @param def  its default (may be {@code null})
     * @return the value
     */
    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /**
     * Returns a comma-separated list of whole numbers.
     *
     * @param name the option
     * @param def  its default
     * @return the values
     * @throws IllegalArgumentException when an item is not a whole number
     */
    public List<Integer> intList(String name, List<Integer> def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return java.util.Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes whole numbers separated by commas, not '" + v + "'.", e);
        }
    }
}
