/**
 * The HTTP server around mcr-core: the original tool's JSON API, the live event stream (SSE), Basic auth
 * and the web UI's static files. {@link dev.mcr.server.McrServer} embeds it next to an existing
 * {@link dev.mcr.Mcr}; {@link dev.mcr.server.Main} runs it from the environment
 * ({@link dev.mcr.server.ServerConfig}).
 */
package dev.mcr.server;
