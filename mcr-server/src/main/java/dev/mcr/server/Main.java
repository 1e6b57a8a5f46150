package dev.mcr.server;

import dev.mcr.Mcr;
import dev.mcr.server.cli.Cli;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the runnable server jar: reads {@link ServerConfig} from the environment, opens the data
 * folder, serves it until the process is stopped, then stops every runner (no orphaned child processes).
 */
public final class Main {

    private Main() {
    }

    /**
     * Without arguments (or with {@code serve}): starts the server and blocks until the JVM shuts down; exits with
     * status 2 for an unusable configuration and 1 when the data folder or the address cannot be used. With a
     * command ({@code user …}, {@code audit verify}, {@code --help}): runs it on {@code DATA_DIR} and exits with its
     * code (0 done, 1 failed, 2 wrong usage), without starting the server or any runner.
     *
     * @param args the command, or none; the server's configuration comes from the environment
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            serve();
            return;
        }
        // The commands print what they did; the store's INFO lines would only be noise.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int code = Cli.run(args, System.getenv(), System.in,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), Main::serve);
        System.exit(code);
    }

    private static void serve() {
        // Created here, not in a static field: a command sets the log level before the first logger exists.
        Logger log = LoggerFactory.getLogger(Main.class);
        ServerConfig config;
        String publicUrl;
        try {
            config = ServerConfig.fromEnv(System.getenv());
            publicUrl = ChannelSettings.publicUrl(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("The configuration cannot be used: {}", e.getMessage());
            System.exit(2);
            return;
        }

        Mcr mcr;
        try {
            // The original's first start shows its two demo runners; only an empty data folder gets them.
            mcr = config.applyTo(Mcr.builder()).publicUrl(publicUrl).seedDemo(true).build();
        } catch (RuntimeException e) {
            log.error("The data folder {} cannot be used: {}", config.dataDir(), e.getMessage());
            System.exit(1);
            return;
        }
        McrServer server;
        try {
            server = McrServer.start(mcr, config, System.getenv());
        } catch (RuntimeException e) {
            log.error("{}", e.getMessage());
            mcr.close();
            System.exit(1);
            return;
        }
        HttpAdapter.quietLibraryLogging();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down: stopping the server and every runner.");
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

        log.info("multi-command-runner listening on {} ({}). It runs shell commands for whoever can reach it.",
                server.url(), config);
        int users = mcr.access().users().size();
        if (users == 0 && !config.authEnabled()) {
            log.warn("No users and no Basic auth: whoever reaches {} may do everything. Create the first admin in the "
                    + "web UI (from this machine) or with: java -jar mcr-server.jar user add NAME --role admin "
                    + "--password-stdin", server.url());
        } else {
            log.info("Access: {} user(s){}.", users, config.authEnabled() ? ", and the Basic account of the environment"
                    : "");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
