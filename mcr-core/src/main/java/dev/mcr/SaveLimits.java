package dev.mcr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.error.LimitExceededException;
import dev.mcr.model.AppState;
import dev.mcr.model.Ids;
import dev.mcr.model.Runner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The limits every save of the state enforces, whatever path it takes (a whole state, one runner, group or
 * profile, a clone, an import): at most {@code maxTotalRunners} runners, groups and notification profiles each, at
 * most twice that many layout items, and at most {@code maxCasesPerRunner} cases in each runner.
 *
 * <p>A data folder that already holds more than a limit allows (saved before the limit existed or was lowered)
 * is not locked out: a count above the limit is refused only when it is also above the count stored now, so a
 * folder with 600 runners can still be saved with 600, not with 601; for cases the stored count is that of the
 * runner with the same id.
 *
 * <pre>{@code
 * mcr.saveLimits().check(next, mcr.state());   // what a save of next would refuse
 * }</pre>
 *
 * @param maxTotalRunners   most runners ({@code MAX_TOTAL_RUNNERS}); also the most groups and notification
 *                          profiles, and half the most layout items
 * @param maxCasesPerRunner most cases in one runner ({@code MAX_CASES_PER_RUNNER})
 * @param maxStateBytes     most bytes of the state as a client receives and sends it back ({@code MAX_STATE_BYTES}):
 *                          a state that grew larger by imports or clones could no longer be saved by a client
 */
public record SaveLimits(int maxTotalRunners, int maxCasesPerRunner, int maxStateBytes) {

    /** Default of {@link #maxStateBytes()}: 4 MiB. */
    public static final int DEFAULT_MAX_STATE_BYTES = 4 * 1024 * 1024;

    /** The defaults: 500 runners, 200 cases per runner, 4 MiB. */
    public static final SaveLimits DEFAULTS = of(ImportLimits.DEFAULTS, DEFAULT_MAX_STATE_BYTES);

    /**
     * Validates that every limit is at least 1.
     *
     * @param maxTotalRunners   most runners, groups and profiles each
     * @param maxCasesPerRunner most cases per runner
     * @param maxStateBytes     most bytes of the state's JSON
     */
    public SaveLimits {
        if (maxTotalRunners < 1 || maxCasesPerRunner < 1 || maxStateBytes < 1) {
            throw new IllegalArgumentException("Save limits must be at least 1; use SaveLimits.DEFAULTS for the usual "
                    + "values.");
        }
    }

    /**
     * Returns the save limits that go with import limits: the same total runners and cases per runner.
     *
     * @param limits        the import limits
     * @param maxStateBytes most bytes of the state's JSON
     * @return the save limits
     */
    public static SaveLimits of(ImportLimits limits, int maxStateBytes) {
        return new SaveLimits(limits.maxTotalRunners(), limits.maxCasesPerRunner(), maxStateBytes);
    }

    /**
     * Checks the size of a state about to be stored, as a client would receive it (secrets masked, compact JSON).
     *
     * @param nextBytes   its size in bytes
     * @param storedBytes the size of the state stored now
     * @throws LimitExceededException when it is above the limit and larger than the stored state
     */
    public void checkBytes(long nextBytes, long storedBytes) {
        if (nextBytes <= maxStateBytes || nextBytes <= storedBytes) {
            return;
        }
        throw new LimitExceededException("The state would be " + nextBytes + " bytes of JSON; at most " + maxStateBytes
                + " are allowed (MAX_STATE_BYTES), so that a client can still send it back.", "MAX_STATE_BYTES",
                nextBytes, Math.max(maxStateBytes, storedBytes));
    }

    /**
     * Checks a state about to be stored.
     *
     * @param next    the state that would be stored (normalized or not)
     * @param current the state stored now
     * @throws LimitExceededException with a sentence when a count is above its limit and above the stored count
     */
    public void check(AppState next, AppState current) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(current, "current");
        checkTotals(next.runners().size(), next.runnerGroups().size(), next.notifyProfiles().size(),
                next.runnerLayout().size(), current);
        Map<String, Integer> stored = storedCases(current);
        for (Runner r : next.runners()) {
            checkCases("Runner " + r.id(), r.cases().size(), stored.getOrDefault(r.id(), 0));
        }
    }

    /**
     * Checks a raw state document before it is normalized, by the sizes of its lists alone, so that a document
     * with a million entries is refused at once. Entries that normalizing would drop still count. A document that
     * is not an object, and lists that are not arrays, hold nothing to count.
     *
     * @param next    the raw state document
     * @param current the state stored now
     * @throws LimitExceededException with a sentence when a count is above its limit and above the stored count
     */
    void checkRaw(JsonNode next, AppState current) {
        Objects.requireNonNull(current, "current");
        if (next == null || !next.isObject()) {
            return;
        }
        JsonNode runners = next.get("runners");
        checkTotals(size(runners), size(next.get("runner_groups")), size(next.get("notify_profiles")),
                size(next.get("runner_layout")), current);
        if (runners == null || !runners.isArray()) {
            return;
        }
        Map<String, Integer> stored = storedCases(current);
        for (int i = 0; i < runners.size(); i++) {
            JsonNode r = runners.get(i);
            int cases = size(r.get("cases"));
            if (cases > maxCasesPerRunner) {
                String id = idText(r.get("id"));
                String label = Ids.isValid(id) ? "Runner " + id : "The runner at position " + (i + 1);
                checkCases(label, cases, Ids.isValid(id) ? stored.getOrDefault(id, 0) : 0);
            }
        }
    }

    private void checkTotals(int runners, int groups, int profiles, int layout, AppState current) {
        long maxLayout = 2L * maxTotalRunners;
        checkCount("runners", runners, maxTotalRunners, current.runners().size(), "MAX_TOTAL_RUNNERS",
                "MAX_TOTAL_RUNNERS");
        checkCount("groups", groups, maxTotalRunners, current.runnerGroups().size(), "MAX_TOTAL_RUNNERS",
                "MAX_TOTAL_RUNNERS");
        checkCount("notification profiles", profiles, maxTotalRunners, current.notifyProfiles().size(),
                "MAX_TOTAL_RUNNERS", "MAX_TOTAL_RUNNERS");
        checkCount("layout items", layout, maxLayout, current.runnerLayout().size(), "MAX_TOTAL_RUNNERS",
                "twice MAX_TOTAL_RUNNERS");
    }

    private static void checkCount(String what, long count, long limit, long stored, String limitName,
                                   String limitText) {
        if (count <= limit || count <= stored) {
            return;
        }
        String message = "The state has " + count + " " + what + "; at most " + limit + " are allowed (" + limitText
                + ")" + (stored > limit ? ", or as many as are stored now (" + stored + ")" : "") + ".";
        throw new LimitExceededException(message, limitName, count, Math.max(limit, stored));
    }

    private void checkCases(String runner, int count, int stored) {
        if (count <= maxCasesPerRunner || count <= stored) {
            return;
        }
        String message = runner + " has " + count + " cases; at most " + maxCasesPerRunner + " are allowed "
                + "(MAX_CASES_PER_RUNNER)" + (stored > maxCasesPerRunner ? ", or as many as it has now (" + stored
                + ")" : "") + ".";
        throw new LimitExceededException(message, "MAX_CASES_PER_RUNNER", count, Math.max(maxCasesPerRunner, stored));
    }

    private static Map<String, Integer> storedCases(AppState current) {
        List<Runner> runners = current.runners();
        Map<String, Integer> out = new HashMap<>(runners.size() * 2);
        for (Runner r : runners) {
            out.put(r.id(), r.cases().size());
        }
        return out;
    }

    private static int size(JsonNode list) {
        return list != null && list.isArray() ? list.size() : 0;
    }

    /** The id as the normalizer reads it: trimmed text, or an integral number's digits. */
    private static String idText(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue().strip();
        }
        return n.isIntegralNumber() ? n.asText() : null;
    }
}
