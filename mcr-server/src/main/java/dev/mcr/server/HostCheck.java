package dev.mcr.server;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers only requests whose {@code Host} names this server: {@code localhost}, {@code 127.0.0.1} and
 * {@code [::1]} (any port), the configured {@code HOST} (when it is a wildcard address: every address of this
 * machine), and the names of {@code MCR_ALLOWED_HOSTS}. Everything else gets 421 and no data.
 *
 * <p>This defeats DNS rebinding: a page on {@code http://attacker.example:8080/} whose name is made to
 * resolve to 127.0.0.1 is same-origin with its own requests to this server, so the browser lets it read the
 * answers; but those requests carry {@code Host: attacker.example:8080}, which is not on the list. An IP
 * address in the Host header cannot be rebound, so addresses of this machine are safe to accept.
 */
final class HostCheck implements BeforeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HostCheck.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?\\.?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[a-z0-9]+)?]");
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

    /** A host name or bracketed IPv6 address, with a port or {@code -1} for any port. */
    record Allowed(String host, int port) {
        boolean matches(String h, int p) {
            return host.equals(h) && (port < 0 || port == p);
        }
    }

    private final boolean anyHost;
    private final List<Allowed> allowed;

    private HostCheck(boolean anyHost, List<Allowed> allowed) {
        this.anyHost = anyHost;
        this.allowed = List.copyOf(allowed);
    }

    /**
     * Builds the check.
     *
     * @param configuredHost the address the server binds ({@code HOST})
     * @param extra          the entries of {@code MCR_ALLOWED_HOSTS}: names or addresses, each optionally with
     *                       {@code :port}; {@code *} turns the check off
     * @return the check
     */
    static HostCheck of(String configuredHost, List<String> extra) {
        if (extra.contains("*")) {
            LOG.warn("MCR_ALLOWED_HOSTS is '*': requests are answered whatever their Host header says, so a web page "
                    + "on a name that resolves to this machine (DNS rebinding) can drive mcr. Only do this behind a "
                    + "proxy that checks the Host header itself.");
            return new HostCheck(true, List.of());
        }
        Set<Allowed> list = new LinkedHashSet<>();
        for (String name : List.of("localhost", "127.0.0.1", "[::1]")) {
            list.add(new Allowed(name, -1));
        }
        String host = configuredHost.strip().toLowerCase(Locale.ROOT);
        if (WILDCARDS.contains(host)) {
            list.addAll(interfaceAddresses());
        } else {
            list.add(parseEntry(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host, "HOST"));
        }
        for (String entry : extra) {
            list.add(parseEntry(entry, "MCR_ALLOWED_HOSTS"));
        }
        return new HostCheck(false, new ArrayList<>(list));
    }

    /**
     * Parses an entry of {@code MCR_ALLOWED_HOSTS}.
     *
     * @param entry the entry
     * @param from  the variable it came from, for the message
     * @return the entry
     * @throws IllegalArgumentException when it is not a host name or address with an optional port
     */
    static Allowed parseEntry(String entry, String from) {
        HostPort hp = HostPort.parse(entry.strip().toLowerCase(Locale.ROOT));
        if (hp == null) {
            throw new IllegalArgumentException(from + " has an entry that is not a host name or address with an "
                    + "optional port: '" + shorten(entry) + "'.");
        }
        return new Allowed(hp.host(), hp.port());
    }

    @Override
    public void check(HttpRequest request) {
        if (anyHost) {
            return;
        }
        String header = request.header("host");
        if (header == null || header.isBlank()) {
            throw new HttpError(400, "The request has no Host header.");
        }
        HostPort hp = HostPort.parse(header.strip().toLowerCase(Locale.ROOT));
        if (hp == null || !allows(hp)) {
            throw new HttpError(421, "This server does not answer requests for the host '" + shorten(header.strip())
                    + "'. If that name is yours (a reverse proxy or a LAN name), add it to MCR_ALLOWED_HOSTS.");
        }
    }

    private boolean allows(HostPort hp) {
        for (Allowed a : allowed) {
            if (a.matches(hp.host(), hp.port())) {
                return true;
            }
        }
        // A literal loopback address (127.0.0.2, ::ffff:127.0.0.1, …) cannot be rebound either.
        return isLoopbackLiteral(hp.host());
    }

    private static boolean isLoopbackLiteral(String host) {
        if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            return false;
        }
        try {
            // Only literals get here, so this never asks DNS.
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    private static List<Allowed> interfaceAddresses() {
        List<Allowed> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    String text = a.getHostAddress().toLowerCase(Locale.ROOT);
                    int zone = text.indexOf('%');
                    if (zone >= 0) {
                        text = text.substring(0, zone);
                    }
                    HostPort hp = HostPort.parse(text.contains(":") ? "[" + text + "]" : text);
                    if (hp != null) {
                        out.add(new Allowed(hp.host(), -1));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("The addresses of this machine could not be listed; requests must name localhost, 127.0.0.1 "
                    + "or a host of MCR_ALLOWED_HOSTS: {}", e.toString());
        }
        return out;
    }

    private static String shorten(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.length() < s.length() ? sb + "…" : sb.toString();
    }

    /**
     * A host and port as in a Host header or an origin: a name, an IPv4 address or a bracketed IPv6 address,
     * lower case.
     *
     * @param host the host, IPv6 with brackets
     * @param port the port, or {@code -1} when none was given
     */
    record HostPort(String host, int port) {
        /** Parses {@code host[:port]}; returns {@code null} when it is not one. */
        static HostPort parse(String text) {
            String host;
            String rest;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = text.substring(0, close + 1);
                rest = text.substring(close + 1);
                if (!IPV6.matcher(host).matches()) {
                    return null;
                }
            } else {
                int colon = text.indexOf(':');
                host = colon < 0 ? text : text.substring(0, colon);
                rest = colon < 0 ? "" : text.substring(colon);
                if (!NAME.matcher(host).matches()) {
                    return null;
                }
            }
            if (host.endsWith(".") && host.length() > 1) {
                host = host.substring(0, host.length() - 1);
            }
            if (rest.isEmpty()) {
                return new HostPort(host, -1);
            }
            if (!rest.startsWith(":") || rest.length() < 2 || rest.length() > 6) {
                return null;
            }
            for (int i = 1; i < rest.length(); i++) {
                if (!Character.isDigit(rest.charAt(i)) || rest.charAt(i) > '9') {
                    return null;
                }
            }
            int port = Integer.parseInt(rest.substring(1));
            return port > 65_535 ? null : new HostPort(host, port);
        }
    }
}
