package dev.mcr.server;

import dev.mcr.Mcr;
import dev.mcr.RunnerStatus;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The Prometheus metrics of {@code GET /metrics}, kept and written by Micrometer's Prometheus registry (never
 * formatted by hand): runs by runner and result, run durations as a histogram, runners by health, running runs,
 * notifications by type and result, the notification queue, event-stream clients, events lost by slow clients, and
 * the JVM and process metrics.
 *
 * <p>Runs are counted as their records complete ({@link Mcr#onRunRecorded}); the rest is read at each scrape, where
 * the series of deleted runners are removed.
 */
final class Metrics implements AutoCloseable {

    /** The content type of the text format the registry writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Upper bounds of the duration histogram's buckets: runs take from a moment to an hour. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};
    private static final List<String> HEALTHS = List.of("up", "warn", "down", "none", "paused");

    private final Mcr mcr;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final byte[] tokenDigest;
    /** The worst case state of each runner's newest ended run. */
    private final Map<String, CaseState> lastStates = new ConcurrentHashMap<>();
    private final Set<String> notificationSeries = ConcurrentHashMap.newKeySet();

    /**
     * @param mcr           the instance measured
     * @param streamClients how many event-stream clients are connected
     * @param token         the bearer token a scraper may send instead of the API's credentials, or {@code null}
     */
    Metrics(Mcr mcr, IntSupplier streamClients, String token) {
        this.mcr = mcr;
        this.tokenDigest = token == null ? null : sha256(token);
        // Two of Micrometer's processor meters break promtool's naming rules (a "_count" suffix on a gauge, an
        // abbreviated unit); the CPU usage and the uptime stay.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
                || id.getName().equals("process.cpu.time")));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        for (Runner r : mcr.state().runners()) {
            for (RunRecord rec : mcr.runs(RunQuery.newest(5).runner(r.id())).items()) {
                if (rec.finished()) {
                    lastStates.put(r.id(), rec.worstState() == null ? CaseState.NONE : rec.worstState());
                    break;
                }
            }
        }
        mcr.onRunRecorded(this::recorded);
        for (String health : HEALTHS) {
            Gauge.builder("mcr.runners", () -> countRunners(health)).description("Runners by health: the worst case "
                    + "state of their newest run (up, warn, down, none), or paused").tag("health", health)
                    .register(registry);
        }
        Gauge.builder("mcr.running.runs", () -> mcr.status().values().stream().filter(RunnerStatus::running).count())
                .description("Runs in progress").register(registry);
        Gauge.builder("mcr.notification.queue.depth", mcr::notificationQueueDepth)
                .description("Notifications waiting for delivery").register(registry);
        Gauge.builder("mcr.event.stream.clients", streamClients::getAsInt)
                .description("Connected event-stream clients").register(registry);
        FunctionCounter.builder("mcr.events.dropped", mcr, Mcr::eventsDropped)
                .description("Events lost by event-stream clients and listeners that did not keep up")
                .register(registry);
        registerNotificationSeries();
    }

    private void recorded(RunRecord r) {
        Counter.builder("mcr.runs").description("Runs that ended, by runner and result (success, failure, stopped, "
                + "timed_out, lost)").tags("runner", r.runnerId(), "result", r.outcome()).register(registry)
                .increment();
        if (r.durationMs() != null) {
            Timer.builder("mcr.run.duration").description("How long runs took").tag("runner", r.runnerId())
                    .serviceLevelObjectives(BUCKETS).register(registry).record(Duration.ofMillis(r.durationMs()));
        }
        lastStates.put(r.runnerId(), r.worstState() == null ? CaseState.NONE : r.worstState());
    }

    private double countRunners(String health) {
        int n = 0;
        for (Map.Entry<String, RunnerStatus> e : mcr.status().entrySet()) {
            if (health.equals(healthOf(e.getKey(), e.getValue()))) {
                n++;
            }
        }
        return n;
    }

    private String healthOf(String runnerId, RunnerStatus status) {
        if (status.paused()) {
            return "paused";
        }
        CaseState s = lastStates.getOrDefault(runnerId, CaseState.NONE);
        return switch (s) {
            case UP, INFO -> "up";
            case WARN -> "warn";
            case DOWN -> "down";
            default -> "none";
        };
    }

    /** One counter per profile type and result seen so far; types appear with their first delivery. */
    private void registerNotificationSeries() {
        for (String type : typesOfInterest()) {
            for (String result : List.of("success", "error")) {
                if (notificationSeries.add(type + "\u0000" + result)) {
                    FunctionCounter.builder("mcr.notifications", mcr,
                                    m -> m.notificationAttempts().getOrDefault(type, Map.of()).getOrDefault(result, 0L))
                            .description("Notification delivery attempts by profile type and result")
                            .tags("type", type, "result", result).register(registry);
                }
            }
        }
    }

    private Set<String> typesOfInterest() {
        Set<String> types = new java.util.TreeSet<>(mcr.notificationAttempts().keySet());
        mcr.state().notifyProfiles().forEach(p -> types.add(p.type()));
        types.add("pushover");
        return types;
    }

    /**
     * Writes every metric in the Prometheus text format.
     *
     * @return the text
     */
    String scrape() {
        registerNotificationSeries();
        forgetDeletedRunners();
        return registry.scrape();
    }

    /**
     * Removes the series of runners that no longer exist, whichever way they went (delete route, a saved state,
     * an import), so that a scraper does not keep seeing them; a run of a deleted runner that ends later is removed
     * at the next scrape too.
     */
    private void forgetDeletedRunners() {
        Set<String> ids = new java.util.HashSet<>();
        mcr.state().runners().forEach(r -> ids.add(r.id()));
        for (Meter m : registry.getMeters()) {
            String runner = m.getId().getTag("runner");
            if (runner != null && !ids.contains(runner)) {
                registry.remove(m);
            }
        }
        lastStates.keySet().retainAll(ids);
    }

    /**
     * Returns whether a request carries the scraper's bearer token (compared in constant time, through digests).
     *
     * @param request the request
     * @return true for {@code GET /metrics} with {@code Authorization: Bearer <MCR_METRICS_TOKEN>}
     */
    boolean bearerAllows(HttpRequest request) {
        if (tokenDigest == null || !request.path().equals("/metrics")) {
            return false;
        }
        String header = request.header("authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
