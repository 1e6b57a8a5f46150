package dev.mcr.server;

import dev.mcr.LogContent;
import dev.mcr.Mcr;
import dev.mcr.RunPage;
import dev.mcr.RunStats;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.Timestamps;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the run history, health and metrics, all in one place so that a table of routes and roles can take
 * them: {@link #ROUTES} lists each with the role it needs. They pass the same before-handlers as every route;
 * {@link #PUBLIC_PATHS} are answered without credentials (they carry no data), and {@code /metrics} also takes
 * the scraper's bearer token ({@link Metrics}).
 */
final class HistoryRoutes {

    /**
     * A route of this class.
     *
     * @param method the HTTP method
     * @param path   the path, {@code {name}} marking a segment
     * @param role   who may call it: {@code viewer}, or {@code none} (no credentials needed)
     */
    record Route(String method, String path, String role) {
    }

    /** Answered without credentials: liveness and readiness carry no data. */
    static final List<String> PUBLIC_PATHS = List.of("/healthz", "/readyz");

    /** Every route of this class with the role it needs (reads only: {@code viewer}). */
    static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/runs", "viewer"),
            new Route("GET", "/api/runs/recent", "viewer"),
            new Route("GET", "/api/runs/{run_id}", "viewer"),
            new Route("GET", "/api/runs/{run_id}/output", "viewer"),
            new Route("GET", "/api/runners/{runner_id}/stats", "viewer"),
            new Route("GET", "/metrics", "viewer (or the MCR_METRICS_TOKEN bearer)"),
            new Route("GET", "/healthz", "none"),
            new Route("GET", "/readyz", "none"));

    private static final Logger LOG = LoggerFactory.getLogger(HistoryRoutes.class);
    private static final String RUNS = "/api/runs";
    private static final String RECENT = "/api/runs/recent";
    /** The most runs per runner {@code /api/runs/recent} answers (a page shows 50). */
    static final int MAX_PER_RUNNER = 200;
    private static final String RUNNERS = "/api/runners/";
    private static final String STATS = "/stats";
    private static final String OUTPUT = "/output";
    private static final Map<String, Duration> WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
            "30d", Duration.ofDays(30));
    private static final int MAX_TAIL_LINES = 1_000_000;

    private final Mcr mcr;
    private final Metrics metrics;

    /**
     * @param mcr     the facade
     * @param metrics the metrics registry, answering {@code /metrics}
     */
    HistoryRoutes(Mcr mcr, Metrics metrics) {
        this.mcr = mcr;
        this.metrics = metrics;
    }

    /**
     * Answers a request on one of these routes (after the before-handlers passed it).
     *
     * @param request the request
     * @return the answer, or {@code null} when the path is none of these routes
     */
    HttpResponse route(HttpRequest request) {
        String path = request.path();
        if (path.equals("/healthz")) {
            requireGet(request);
            return noStore(HttpResponse.json(200, Map.of("status", "ok")));
        }
        if (path.equals("/readyz")) {
            requireGet(request);
            return noStore(ready());
        }
        if (path.equals("/metrics")) {
            requireGet(request);
            return noStore(HttpResponse.text(200, Metrics.CONTENT_TYPE, metrics.scrape()));
        }
        if (path.equals(RUNS)) {
            requireGet(request);
            return list(request);
        }
        if (path.equals(RECENT)) {
            requireGet(request);
            return recent(request);
        }
        if (path.startsWith(RUNS + "/")) {
            requireGet(request);
            String rest = path.substring(RUNS.length() + 1);
            if (rest.endsWith(OUTPUT)) {
                return output(request, runId(rest.substring(0, rest.length() - OUTPUT.length())));
            }
            String id = runId(rest);
            return HttpResponse.json(200, json(mcr.run(id).orElseThrow(
                    () -> dev.mcr.error.RunNotFoundException.noRecord(id))));
        }
        if (path.startsWith(RUNNERS) && path.endsWith(STATS)) {
            String id = path.substring(RUNNERS.length(), path.length() - STATS.length());
            if (Ids.isValid(id)) {
                requireGet(request);
                return stats(request, id);
            }
        }
        return null;
    }

    private static void requireGet(HttpRequest request) {
        if (!request.method().equals("GET")) {
            throw new HttpError(405, "Method Not Allowed", Map.of("Allow", "GET"));
        }
    }

    private static HttpResponse noStore(HttpResponse r) {
        return r.withHeader("Cache-Control", "no-store");
    }

    private HttpResponse ready() {
        try {
            mcr.checkStore();
            return HttpResponse.json(200, Map.of("status", "ready"));
        } catch (RuntimeException e) {
            // The reason (a path, a driver message) stays in the log: this route needs no credentials.
            LOG.warn("Readiness check failed: {}", e.getMessage());
            return HttpResponse.detail(503, "Not ready: the store does not answer.");
        }
    }

    private static String runId(String text) {
        if (!Ids.isValid(text)) {
            throw new HttpError(400, "Invalid run id format");
        }
        return text;
    }

    private static String idParam(HttpRequest request, String name) {
        String v = request.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!Ids.isValid(v.strip())) {
            throw new HttpError(422, "Query parameter '" + name + "' must be an id matching ^[A-Za-z0-9_-]{1,120}$.");
        }
        return v.strip();
    }

    private HttpResponse list(HttpRequest request) {
        String outcome = null;
        CaseState worst = null;
        String state = request.queryParam("state");
        if (state != null && !state.isBlank()) {
            String s = state.strip().toLowerCase(Locale.ROOT);
            if (RunQuery.OUTCOMES.contains(s)) {
                outcome = s;
            } else if (List.of("up", "info", "warn", "down").contains(s)) {
                worst = CaseState.parse(s);
            } else {
                throw new HttpError(422, "Query parameter 'state' must be one of running, success, failure, stopped, "
                        + "timed_out, lost, missed (the outcome) or up, info, warn, down (the worst case state of the run).");
            }
        }
        int limit = ApiRoutes.limit(request.queryParam("limit"), RunQuery.DEFAULT_LIMIT, RunQuery.MAX_LIMIT);
        RunPage page = mcr.runs(new RunQuery(idParam(request, "runner_id"), idParam(request, "group_id"), outcome,
                worst, idParam(request, "before"), limit));
        List<Map<String, Object>> items = new ArrayList<>(page.items().size());
        for (RunRecord r : page.items()) {
            items.add(json(r));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next", page.next());
        return HttpResponse.json(200, out);
    }

    /**
     * The newest runs of every runner, one read for the whole page: {@code {"<runner_id>": [compact run, …]}}, newest
     * first, each run with only what a strip of recent runs shows.
     */
    private HttpResponse recent(HttpRequest request) {
        String n = request.queryParam("per_runner");
        int perRunner = 50;
        if (n != null) {
            if (!n.strip().matches("[0-9]{1,4}") || Integer.parseInt(n.strip()) < 1
                    || Integer.parseInt(n.strip()) > MAX_PER_RUNNER) {
                throw new HttpError(422, "Query parameter 'per_runner' must be a whole number from 1 to "
                        + MAX_PER_RUNNER + ".");
            }
            perRunner = Integer.parseInt(n.strip());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        mcr.newestRuns(perRunner).forEach((runnerId, runs) -> {
            List<Map<String, Object>> items = new ArrayList<>(runs.size());
            for (RunRecord r : runs) {
                items.add(compact(r));
            }
            out.put(runnerId, items);
        });
        return HttpResponse.json(200, out);
    }

    private Map<String, Object> compact(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("started_ts", ts(r.startedTs()));
        m.put("duration_ms", r.durationMs());
        m.put("exit_code", r.exitCode());
        m.put("outcome", r.outcome());
        m.put("worst_state", r.worstState() == null ? null : r.worstState().json());
        m.put("last_case", r.lastCase());
        m.put("trigger", r.trigger());
        return m;
    }

    private HttpResponse output(HttpRequest request, String runId) {
        long tail = ApiRoutes.nonNegative(request.queryParam("tail_lines"), "tail_lines");
        // Streamed from the run's file: a large output is never held in memory.
        LogContent out = mcr.runOutput(runId, (int) Math.min(MAX_TAIL_LINES, tail));
        return HttpResponse.sized(200, HttpResponse.TEXT, out.stream(), out.length());
    }

    private HttpResponse stats(HttpRequest request, String runnerId) {
        String w = request.queryParam("window");
        String key = w == null || w.isBlank() ? "24h" : w.strip().toLowerCase(Locale.ROOT);
        Duration window = WINDOWS.get(key);
        if (window == null) {
            throw new HttpError(422, "Query parameter 'window' must be 24h, 7d or 30d.");
        }
        RunStats s = mcr.runStats(runnerId, window);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", s.runs());
        out.put("successes", s.successes());
        out.put("failures", s.failures());
        out.put("success_rate", s.successRate());
        Map<String, Object> durations = new LinkedHashMap<>();
        durations.put("p50", s.p50Ms());
        durations.put("p95", s.p95Ms());
        durations.put("max", s.maxMs());
        out.put("duration_ms", durations);
        Map<String, Object> streak = new LinkedHashMap<>();
        streak.put("kind", s.streakKind());
        streak.put("count", s.streakCount());
        out.put("current_streak", streak);
        out.put("last_failure_ts", ts(s.lastFailureTs()));
        out.put("window", key);
        return HttpResponse.json(200, out);
    }

    private String ts(Instant t) {
        return t == null ? null : Timestamps.format(t, mcr.zone());
    }

    /** The JSON of a record: the fields in its order, then what the record adds. */
    private Map<String, Object> json(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("runner_id", r.runnerId());
        m.put("runner_name", r.runnerName());
        m.put("trigger", r.trigger());
        m.put("actor", r.actor());
        m.put("node", r.node());
        m.put("started_ts", ts(r.startedTs()));
        m.put("finished_ts", ts(r.finishedTs()));
        m.put("duration_ms", r.durationMs());
        m.put("exit_code", r.exitCode());
        m.put("stopped", r.stopped());
        m.put("timed_out", r.timedOut());
        m.put("attempt", r.attempt());
        m.put("last_case", r.lastCase());
        m.put("last_state", r.lastState() == null ? null : r.lastState().json());
        m.put("worst_state", r.worstState() == null ? null : r.worstState().json());
        m.put("output_lines", r.outputLines());
        m.put("output_bytes", r.outputBytes());
        m.put("outcome", r.outcome());
        m.put("group_id", r.groupId());
        m.put("output_kept", r.outputKept());
        m.put("started_ms", r.startedTs().toEpochMilli());
        return m;
    }
}
