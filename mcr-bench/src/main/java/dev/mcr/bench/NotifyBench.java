package dev.mcr.bench;

import com.sun.net.httpserver.HttpServer;
import dev.mcr.delivery.BuiltInChannels;
import dev.mcr.delivery.NotificationDispatcher;
import dev.mcr.delivery.ProfileRegistry;
import dev.mcr.delivery.RetryPolicy;
import dev.mcr.model.NotifyProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Benchmark 7, notification delivery: {@code N} notifications to a local webhook receiver (JDK HttpServer on
 * loopback) through mcr's dispatcher and webhook channel (queue, worker, counters, journal call, JSON body), against a
 * bare JDK {@link HttpClient} loop posting the same body one after the other, in the same run; then the webhook's
 * latency (enqueue to arrival, one message at a time) with and without a stuck SMTP channel: a server socket that
 * accepts and never answers, with a mail queued before every 50th webhook message.
 */
public final class NotifyBench {

    /**
     * What to run.
     *
     * @param notifications messages of the throughput part
     * @param latencyMessages messages of each latency part
     * @param rounds measured rounds
     */
    public record Options(int notifications, int latencyMessages, int rounds) {
        /** Validates. */
        public Options {
            if (notifications < 1 || latencyMessages < 1 || rounds < 1) {
                throw new IllegalArgumentException("notifications, latency-messages and rounds must be at least 1.");
            }
        }
    }

    private NotifyBench() {
    }

    /** The receiver: counts arrivals and wakes whoever waits for one. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final AtomicLong arrived = new AtomicLong();
        final Semaphore each = new Semaphore(0);

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            server.setExecutor(pool);
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
                ex.close();
                arrived.incrementAndGet();
                each.release();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /** Profiles in memory: the dispatcher reads them and writes their counters as it does against the store. */
    private static final class Profiles implements ProfileRegistry {
        final Map<String, NotifyProfile> byId = new ConcurrentHashMap<>();

        @Override
        public Optional<NotifyProfile> find(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public synchronized Optional<NotifyProfile> update(String id, UnaryOperator<NotifyProfile> change) {
            NotifyProfile p = byId.get(id);
            if (p == null) {
                return Optional.empty();
            }
            NotifyProfile next = change.apply(p);
            byId.put(id, next);
            return Optional.of(next);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param o   what to run
     * @param dir unused (no data folder is needed)
     * @param log where progress goes
     * @return the report
     * @throws Exception when it fails
     */
    public static Report run(Options o, java.nio.file.Path dir, PrintStream log) throws Exception {
        Report report = new Report("7. Notifications: " + o.notifications() + " to a local webhook receiver — bare JDK "
                + "HttpClient loop vs. mcr dispatcher + webhook channel; webhook latency without and with a stuck SMTP channel");
        for (int round = 1; round <= o.rounds(); round++) {
            log.println("notify round " + round + " of " + o.rounds());
            try (Receiver receiver = new Receiver(); ServerSocket stuck = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new CopyOnWriteArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            held.add(stuck.accept());
                        }
                    } catch (IOException closed) {
                        // done
                    }
                }, "stuck-smtp");
                acceptor.setDaemon(true);
                acceptor.start();
                double bare = bareLoop(receiver, o.notifications());
                Profiles profiles = new Profiles();
                profiles.byId.put("hook", new NotifyProfile("hook", "Hook", "webhook", true, 0, 0,
                        Map.of("url", receiver.url()), Map.of()));
                profiles.byId.put("mail", NotifyProfile.builder("mail").name("Mail").type("email")
                        .config("host", "127.0.0.1").config("port", Integer.toString(stuck.getLocalPort()))
                        .config("security", "none").config("from", "a@example.org").config("to", "b@example.org").build());
                try (NotificationDispatcher d = new NotificationDispatcher(
                        BuiltInChannels.all(URI.create(receiver.url()), Map.of()), profiles, row -> row, e -> { },
                        Clock.systemUTC(), o.notifications() + 10, null, RetryPolicy.NONE, "")) {
                    double mcr = throughput(d, receiver, o.notifications());
                    List<Long> plain = latencies(d, receiver, o.latencyMessages(), false);
                    List<Long> withStuck = latencies(d, receiver, o.latencyMessages(), true);
                    List<Long> bareLat = bareLatencies(receiver, o.latencyMessages());
                    report.addRound(List.of(
                            new Comparison("deliveries/s (bare HttpClient loop vs mcr)", bare, mcr),
                            new Comparison("webhook p50 ms (bare HttpClient vs mcr, no SMTP)",
                                    ms(Stats.percentile(bareLat, 50)), ms(Stats.percentile(plain, 50))),
                            new Comparison("webhook p99 ms (bare HttpClient vs mcr, no SMTP)",
                                    ms(Stats.percentile(bareLat, 99)), ms(Stats.percentile(plain, 99))),
                            new Comparison("webhook p99 ms (mcr: no SMTP vs stuck SMTP)",
                                    ms(Stats.percentile(plain, 99)), ms(Stats.percentile(withStuck, 99)))));
                    if (round == 1) {
                        report.note("Stuck SMTP connections held open during the last latency part: " + held.size()
                                + " (the e-mail worker waits for the greeting; its queue fills, the webhook's does not).");
                    }
                }
                for (Socket s : held) {
                    s.close();
                }
            }
        }
        report.note("The bare loop posts the same JSON body with one HttpClient, one request after the other, as the "
                + "channel's worker does; latency is measured one message at a time (enqueue to arrival at the receiver).");
        return report;
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static byte[] body(int i) {
        return ("{\"runner_id\":\"r\",\"runner_name\":\"R\",\"state\":\"DOWN\",\"title\":\"t\",\"message\":\"m" + i
                + "\",\"run_id\":\"\",\"ts\":\"2026-12-07T00:00:00Z\",\"link\":\"\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static double bareLoop(Receiver r, int n) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(r.url());
        r.each.drainPermits();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(i))).build(), HttpResponse.BodyHandlers.discarding());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.each.drainPermits();
        return n / seconds;
    }

    private static List<Long> bareLatencies(Receiver r, int n) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(r.url());
        List<Long> out = new ArrayList<>();
        r.each.drainPermits();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            client.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(i))).build(), HttpResponse.BodyHandlers.discarding());
            if (!r.each.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The receiver got no request within 30 s.");
            }
            out.add(System.nanoTime() - t0);
        }
        return out;
    }

    private static NotificationDispatcher.Outgoing message(int i) {
        return new NotificationDispatcher.Outgoing("r", "R", "", "DOWN", "", "t", "m" + i);
    }

    private static double throughput(NotificationDispatcher d, Receiver r, int n) throws Exception {
        r.each.drainPermits();
        long before = r.arrived.get();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            d.enqueueTo("hook", message(i));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (r.arrived.get() - before < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Only " + (r.arrived.get() - before) + " of " + n + " arrived in 5 minutes.");
            }
            r.each.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.each.drainPermits();
        return n / seconds;
    }

    private static List<Long> latencies(NotificationDispatcher d, Receiver r, int n, boolean stuckMail) throws Exception {
        List<Long> out = new ArrayList<>();
        r.each.drainPermits();
        for (int i = 0; i < n; i++) {
            if (stuckMail && i % 50 == 0) {
                d.enqueueTo("mail", message(i));
            }
            long t0 = System.nanoTime();
            d.enqueueTo("hook", message(i));
            if (!r.each.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The webhook got no message within 30 s.");
            }
            out.add(System.nanoTime() - t0);
        }
        return out;
    }
}
