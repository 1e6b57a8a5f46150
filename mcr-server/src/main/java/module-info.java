/**
 * mcr-server: the HTTP API, live event stream, Basic auth and web UI of the original tool around an
 * {@code dev.mcr.Mcr}; start with {@link dev.mcr.server.McrServer#start}. It uses only the exported API of
 * {@code dev.mcr.core}.
 */
module dev.mcr.server {
    requires transitive dev.mcr.core;
    requires com.fasterxml.jackson.databind;
    requires java.logging;
    // Micrometer has no module descriptors; these are the Automatic-Module-Names of its jars.
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires nanohttpd;
    requires info.picocli;
    requires org.slf4j;

    exports dev.mcr.server;
    // picocli reads the commands' annotated fields and methods by reflection.
    opens dev.mcr.server.cli to info.picocli;
}
