package dev.mcr.examples;

import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.Notifier;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A custom notification channel (profile type {@code "console"}) that prints and remembers messages. */
public final class ConsoleNotifier implements Notifier {

    /** The profile type this notifier serves. */
    public static final String TYPE = "console";

    private final PrintStream out;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    /** @param out where messages are printed */
    public ConsoleNotifier(PrintStream out) {
        this.out = out;
    }

    /**
     * Returns a profile of this type.
     *
     * @param id   profile id
     * @param name display name
     * @return an active profile without credentials (none are needed)
     */
    public static NotifyProfile profile(String id, String name) {
        return new NotifyProfile(id, name, TYPE, true, 0, 0, Map.of(), Map.of());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean isConfigured(NotifyProfile profile) {
        return true;
    }

    @Override
    public Map<String, Object> send(NotifyProfile profile, String title, String message) {
        sent.add(message);
        out.println("[notify " + profile.name() + "] " + title + ": " + message);
        return Map.of("status", 1);
    }

    /** Returns every message sent so far, in order. */
    public List<String> sent() {
        return List.copyOf(sent);
    }
}
