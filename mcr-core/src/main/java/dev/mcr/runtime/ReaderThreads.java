package dev.mcr.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that read runs' output and watch their processes' exit, kept a while between runs: creating a
 * thread for every run cost as much as a tenth of a short run. A thread is named {@code mcr-runner-<id>} while it
 * reads a run and {@value #IDLE_NAME} between runs.
 */
final class ReaderThreads {

    private static final String IDLE_NAME = "mcr-runner-idle";

    private final ExecutorService pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, IDLE_NAME);
                t.setDaemon(true);
                return t;
            });

    /** Returns the pool as an executor (a run's process also watches its exit on it). */
    Executor executor() {
        return pool;
    }

    /** Starts a reader on a pooled thread. */
    void start(Reader reader) {
        pool.execute(reader);
    }

    /** Lets idle threads end; readers still running finish their run. */
    void shutdown() {
        pool.shutdown();
    }

    /** One run's reader: its body runs on a pooled thread named after the runner; others can wait for its end. */
    static final class Reader implements Runnable {
        private final String name;
        private final Runnable body;
        private final CountDownLatch done = new CountDownLatch(1);

        Reader(String runnerId, Runnable body) {
            this.name = "mcr-runner-" + runnerId;
            this.body = body;
        }

        @Override
        public void run() {
            Thread me = Thread.currentThread();
            me.setName(name);
            try {
                body.run();
            } finally {
                me.setName(IDLE_NAME);
                done.countDown();
            }
        }

        /** Waits until the body returned; returns whether it did within the time. */
        boolean await(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }
    }
}
