package dev.mcr.bench;

/**
 * The trivial JVM the server's startup and footprint are compared with: prints {@code ready} and exits, or with
 * {@code --idle} prints {@code ready} and sleeps until killed.
 */
public final class IdleJvm {

    private IdleJvm() {
    }

    /**
     * Prints {@code ready}; with {@code --idle}, then sleeps forever.
     *
     * @param args {@code --idle} or nothing
     * @throws InterruptedException when interrupted while idle
     */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        System.out.flush();
        if (args.length > 0 && args[0].equals("--idle")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
