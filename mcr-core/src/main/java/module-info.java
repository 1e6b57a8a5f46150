/**
 * mcr-core, the embeddable command runner: start with {@link dev.mcr.Mcr#builder()}.
 *
 * <p>The exported packages are the API: the facade and its values ({@code dev.mcr}), the exceptions
 * ({@code dev.mcr.error}), the state model ({@code dev.mcr.model}), the events ({@code dev.mcr.event}), the
 * notifier SPI ({@code dev.mcr.notify}), users, sessions, tokens and the audit log ({@code dev.mcr.access}) and the
 * store SPI ({@code dev.mcr.store}). Everything else (the engine,
 * processes, the SQLite store, crypto, delivery, import and export) is internal and may change in any release.
 * Jackson is used inside only, on trees; no exported signature names a Jackson type.
 */
module dev.mcr.core {
    requires com.cronutils;
    requires com.fasterxml.jackson.databind;
    requires fernet.java8;
    // Flyway has no module descriptor and names no Automatic-Module-Name: the name comes from its jar's file name.
    requires flyway.core;
    requires jakarta.mail;
    requires java.net.http;
    requires java.sql;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;

    exports dev.mcr;
    exports dev.mcr.access;
    exports dev.mcr.error;
    exports dev.mcr.event;
    exports dev.mcr.model;
    exports dev.mcr.notify;
    exports dev.mcr.store;
}
