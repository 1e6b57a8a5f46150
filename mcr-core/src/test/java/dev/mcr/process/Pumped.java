package dev.mcr.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Pumps a process on its own thread and keeps every line with the time it arrived. */
final class Pumped {

    record Line(String text, long nanos) {
    }

    final List<Line> lines = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    volatile long endedNanos;

    Pumped(ShellProcess process) {
        Thread t = new Thread(() -> {
            try {
                int code = process.pump(line -> lines.add(new Line(line, System.nanoTime())));
                endedNanos = System.nanoTime();
                exit.complete(code);
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        }, "test-pump-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    /** Waits for a line with this text and returns it, or throws if it does not come. */
    Line awaitLine(String text, Duration timeout) throws InterruptedException {
        if (!Procs.await(() -> find(text) != null, timeout)) {
            throw new AssertionError("No line " + text.strip() + " within " + timeout + "; got " + texts());
        }
        return find(text);
    }

    Line find(String text) {
        return lines.stream().filter(l -> l.text().equals(text)).findFirst().orElse(null);
    }
}
