package dev.mcr.server;

import dev.mcr.Mcr;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the runnable server jar: reads {@link ServerConfig} from the environment, opens the data
 * folder, serves it until the process is stopped, then stops every runner (no orphaned child processes).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * Starts the server and blocks until the JVM shuts down. Exits with status 2 for an unusable
     * configuration and 1 when the data folder or the address cannot be used.
     *
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = ServerConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("The configuration cannot be used: {}", e.getMessage());
            System.exit(2);
            return;
        }

        Mcr mcr;
        try {
            // The original's first start shows its two demo runners; only an empty data folder gets them.
            mcr = config.applyTo(Mcr.builder()).seedDemo(true).build();
        } catch (RuntimeException e) {
            LOG.error("The data folder {} cannot be used: {}", config.dataDir(), e.getMessage());
            System.exit(1);
            return;
        }
        McrServer server;
        try {
            server = McrServer.start(mcr, config, System.getenv());
        } catch (RuntimeException e) {
            LOG.error("{}", e.getMessage());
            mcr.close();
            System.exit(1);
            return;
        }
        HttpAdapter.quietLibraryLogging();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down: stopping the server and every runner.");
            try {
                server.close();
            } finally {
                try {
                    mcr.close();
                } finally {
                    stopped.countDown();
                }
            }
        }, "mcr-shutdown"));

        LOG.info("multi-command-runner listening on {} ({}). It runs shell commands for whoever can reach it.",
                server.url(), config);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
