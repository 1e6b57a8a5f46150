/** Small runnable programs that show how to embed mcr-core, using only its exported API. */
module dev.mcr.examples {
    requires transitive dev.mcr.core;
    requires transitive dev.mcr.server;
    requires java.net.http;

    exports dev.mcr.examples;
}
