package dev.mcr.runtime;

import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcomes of a runner's earlier runs as its N-of-M rule counts them, read again after a restart: a run that
 * ended counts (failed: a non-zero exit, a timeout, a heartbeat's missed ping or a DOWN case), a run stopped by a person, a lost run and an
 * attempt that was made again do not.
 */
public interface CountedRuns {

    /** Knows no earlier runs: an N-of-M rule counts from the start of the instance. */
    CountedRuns NONE = (runnerId, count) -> List.of();

    /**
     * Reads them from a run store.
     *
     * @param store the run records
     * @return the counted runs backed by it
     */
    static CountedRuns of(RunStore store) {
        return (runnerId, count) -> {
            // Retried attempts and stopped runs are skipped, so read a few times more records than are counted.
            List<RunRecord> newest = store.query(RunQuery.newest(Math.min(RunQuery.MAX_LIMIT, count * 4))
                    .runner(runnerId));
            List<Boolean> out = new ArrayList<>();
            RunRecord newer = null;
            for (RunRecord r : newest) {
                boolean retried = newer != null && RunRecord.RETRY.equals(newer.trigger());
                newer = r;
                String outcome = r.outcome();
                if (retried || !(outcome.equals(RunRecord.SUCCESS) || outcome.equals(RunRecord.FAILURE)
                        || outcome.equals(RunRecord.TIMED_OUT) || outcome.equals(RunRecord.MISSED))) {
                    continue;
                }
                out.add(!outcome.equals(RunRecord.SUCCESS) || r.worstState() == dev.mcr.model.CaseState.DOWN);
                if (out.size() == count) {
                    break;
                }
            }
            Collections.reverse(out);
            return out;
        };
    }

    /**
     * Returns whether each of a runner's last counted runs failed, oldest first.
     *
     * @param runnerId the runner
     * @param count    at most this many
     * @return at most {@code count} flags, oldest first
     */
    List<Boolean> failedFlags(String runnerId, int count);
}
