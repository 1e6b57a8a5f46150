package dev.mcr.server;

import dev.mcr.Mcr;
import dev.mcr.RunnerStatus;
import dev.mcr.error.ClosedException;
import dev.mcr.error.TooManySubscribersException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.Subscription;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** Opens and counts the event-stream clients, at most {@code MAX_SSE_SUBSCRIBERS} at once. */
final class EventStreams {

    /** The original's 503 text. */
    static final String TOO_MANY = "Too many connected event-stream clients";

    private final Mcr mcr;
    private final Semaphore slots;
    private final Duration heartbeat;
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    EventStreams(Mcr mcr, int maxClients, Duration heartbeat) {
        this.mcr = mcr;
        this.slots = new Semaphore(maxClients);
        this.heartbeat = heartbeat;
    }

    /**
     * Answers {@code GET /api/events}: subscribes first, then takes the snapshot, like the original (so no
     * event falls between the two; a few may appear in both).
     *
     * @param batchedOutput whether the client asked for output lines in {@code output_batch} messages
     *                      ({@code ?output=batched}; mcr's page does, the original's does not)
     * @return the streaming response
     * @throws HttpError 503 when the client limit is reached
     */
    HttpResponse open(boolean batchedOutput) {
        if (closed.get() || !slots.tryAcquire()) {
            throw new HttpError(503, TOO_MANY);
        }
        Subscription subscription;
        try {
            subscription = mcr.openSubscription();
        } catch (TooManySubscribersException | ClosedException e) {
            slots.release();
            throw new HttpError(503, TOO_MANY);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        byte[] snapshot;
        try {
            snapshot = EventStream.frame(snapshot(mcr.status(), mcr.groupSnapshot(), mcr.zone()));
        } catch (RuntimeException e) {
            subscription.close();
            slots.release();
            throw e;
        }
        EventStream[] self = new EventStream[1];
        EventStream stream = new EventStream(subscription, snapshot, mcr.zone(), heartbeat, () -> {
            open.remove(self[0]);
            slots.release();
        }, batchedOutput);
        self[0] = stream;
        open.add(stream);
        if (closed.get()) {
            stream.close();
            throw new HttpError(503, TOO_MANY);
        }
        return HttpResponse.stream("text/event-stream; charset=utf-8",
                Map.of("Cache-Control", "no-store", "X-Accel-Buffering", "no"), stream);
    }

    /** Builds the first message: {@code {type:"snapshot", snapshot:{…}, group_snapshot:{…}}}. */
    static Map<String, Object> snapshot(Map<String, RunnerStatus> runners, Map<String, GroupStatus> groups,
                                        ZoneId zone) {
        Map<String, Object> runnerJson = new LinkedHashMap<>();
        runners.forEach((id, s) -> runnerJson.put(id, s.toJson(zone)));
        Map<String, Object> groupJson = new LinkedHashMap<>();
        groups.forEach((id, g) -> groupJson.put(id, g.toJson(zone)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "snapshot");
        m.put("snapshot", runnerJson);
        m.put("group_snapshot", groupJson);
        return m;
    }

    /** Returns how many clients are connected now. */
    int count() {
        return open.size();
    }

    /** Ends every stream and refuses new ones; idempotent. */
    void closeAll() {
        closed.set(true);
        for (EventStream s : List.copyOf(open)) {
            s.close();
        }
    }
}
