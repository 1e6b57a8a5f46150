/** Browser tests of the web UI: a headless system Chromium driven by Selenium against a real server. */
package dev.mcr.server.ui;
