package dev.mcr.server;

/** Entry point of the runnable server jar. */
public final class Main {
    private Main() {
    }

    /**
     * Starts the server.
     *
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        System.err.println("mcr-server: the HTTP server is not built yet.");
        System.exit(1);
    }
}
