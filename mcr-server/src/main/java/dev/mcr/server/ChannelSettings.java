package dev.mcr.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/** The environment settings of the notification channels: {@code MCR_PUBLIC_URL}, the page's address for links. */
final class ChannelSettings {

    /** The page's public URL; each notification links to {@code <url>#runner/<id>}. */
    static final String PUBLIC_URL = "MCR_PUBLIC_URL";

    private ChannelSettings() {
    }

    /**
     * Reads {@value #PUBLIC_URL}.
     *
     * @param env the environment
     * @return the URL, or {@code ""} when unset or blank
     * @throws IllegalArgumentException naming the variable when it is not an absolute http or https URL
     */
    static String publicUrl(Map<String, String> env) {
        String v = env.get(PUBLIC_URL);
        if (v == null || v.isBlank()) {
            return "";
        }
        try {
            URI u = new URI(v.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getUserInfo() == null
                    && u.getRawFragment() == null) {
                return v.strip();
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new IllegalArgumentException("Environment variable " + PUBLIC_URL
                + " must be an absolute http or https URL without user or fragment, for example https://mcr.example.org/.");
    }
}
