package dev.mcr.server;

import dev.mcr.access.Access;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes audit rows older than the retention at start and once a day after, on the thread {@code mcr-audit}. */
final class AuditPruning implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPruning.class);

    private final ScheduledExecutorService executor;

    private AuditPruning(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    static AuditPruning start(Access access) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mcr-audit");
            t.setDaemon(true);
            return t;
        });
        ex.scheduleWithFixedDelay(() -> {
            try {
                int n = access.pruneAudit();
                if (n > 0) {
                    LOG.info("Pruned {} audit rows older than the retention; the chain continues from an anchor.", n);
                }
            } catch (RuntimeException e) {
                LOG.warn("Pruning the audit log failed: {}", e.getMessage());
            }
        }, 0, 1, TimeUnit.DAYS);
        return new AuditPruning(ex);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
