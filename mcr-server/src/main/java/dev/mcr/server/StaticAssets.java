package dev.mcr.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI's files from the classpath folder {@code static/}: {@code index.html} for {@code GET /} with
 * {@code __ASSET_VERSION__} replaced by a short hash of all assets (computed once), and the assets for
 * {@code GET /static/…}. Only files with a known extension are served; {@code ..}, backslashes, empty or
 * hidden segments are refused, so nothing outside the folder can be named.
 */
final class StaticAssets {

    /** The placeholder the UI puts into asset URLs for cache busting. */
    static final String VERSION_PLACEHOLDER = "__ASSET_VERSION__";

    private static final Logger LOG = LoggerFactory.getLogger(StaticAssets.class);

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"));

    private static final String PLACEHOLDER_PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>multi-command-runner</title></head>
            <body>
            <h1>multi-command-runner</h1>
            <p>The web UI is coming. The HTTP API is up: try <a href="/api/state">/api/state</a>.</p>
            </body>
            </html>
            """;

    /** A script element without a {@code src} attribute, and its text. */
    private static final Pattern INLINE_SCRIPT = Pattern.compile(
            "<script(?![^>]*\\ssrc\\s*=)[^>]*>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    private final ClassLoader loader;
    private final String root;
    private final String version;
    private final byte[] index;
    private final ConcurrentMap<String, Asset> cache = new ConcurrentHashMap<>();

    /**
     * @param loader where the files are
     * @param root   the folder, for example {@code "static/"}
     */
    StaticAssets(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root.endsWith("/") ? root : root + "/";
        this.version = computeVersion();
        byte[] html = load("index.html");
        this.index = html == null ? null
                : new String(html, StandardCharsets.UTF_8).replace(VERSION_PLACEHOLDER, version)
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the CSP source expressions ({@code 'sha256-<base64>'}) of the inline scripts of the page (its import
     * map), so that the Content-Security-Policy can allow exactly them and no other inline script.
     *
     * @return the hashes, in page order
     */
    List<String> inlineScriptHashes() {
        if (index == null) {
            return List.of();
        }
        List<String> hashes = new ArrayList<>();
        Matcher m = INLINE_SCRIPT.matcher(new String(index, StandardCharsets.UTF_8));
        while (m.find()) {
            byte[] digest = sha256().digest(m.group(1).getBytes(StandardCharsets.UTF_8));
            hashes.add("'sha256-" + Base64.getEncoder().encodeToString(digest) + "'");
        }
        return hashes;
    }

    /** Returns the short hash of every asset that replaces {@value #VERSION_PLACEHOLDER}. */
    String version() {
        return version;
    }

    /** Answers {@code GET /}: the UI's page, or a small placeholder page while the UI is missing. */
    HttpResponse index() {
        HttpResponse r = index == null
                ? HttpResponse.text(200, HttpResponse.HTML, PLACEHOLDER_PAGE)
                : HttpResponse.bytes(200, HttpResponse.HTML, index);
        return r.withHeader("Cache-Control", "no-cache");
    }

    /**
     * Answers {@code GET /static/<name>}.
     *
     * @param name    the part after {@code /static/}, percent-decoded
     * @param request the request (for {@code If-None-Match} and the {@code v} query parameter)
     * @return the file, 304, or 404 {@code {"detail":"Not Found"}}
     */
    HttpResponse asset(String name, HttpRequest request) {
        // Misses are not cached, so unknown names cannot grow the cache.
        Asset a = isSafe(name) ? cache.computeIfAbsent(name, this::read) : null;
        if (a == null) {
            return HttpResponse.detail(404, "Not Found");
        }
        // A URL that carries the asset version changes whenever any asset changes, so it may be kept forever.
        String cacheControl = request.queryParam("v") != null ? "public, max-age=31536000, immutable" : "no-cache";
        String etag = request.header("if-none-match");
        if (etag != null && etag.strip().equals(a.etag())) {
            return new HttpResponse(304, null, Map.of("ETag", a.etag(), "Cache-Control", cacheControl), null, null);
        }
        return HttpResponse.bytes(200, a.contentType(), a.bytes())
                .withHeaders(Map.of("ETag", a.etag(), "Cache-Control", cacheControl));
    }

    /** Returns whether a name stays inside the folder and has a servable extension. */
    static boolean isSafe(String name) {
        if (name == null || name.isEmpty() || name.length() > 512) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '\\' || c == ':' || c < 0x20 || c == 0x7f) {
                    return false;
                }
            }
        }
        return contentType(name) != null;
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        if (dot <= slash + 1) {
            return null;
        }
        return TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private Asset read(String name) {
        byte[] bytes = load(name);
        if (bytes == null) {
            return null;
        }
        return new Asset(contentType(name), bytes, "\"" + hex(sha256().digest(bytes), 16) + "\"");
    }

    /** Loads a regular file of the folder, or returns {@code null} (also for directories). */
    private byte[] load(String name) {
        URL url = loader.getResource(root + name);
        if (url == null) {
            return null;
        }
        try {
            if ("file".equals(url.getProtocol()) && !Files.isRegularFile(Path.of(url.toURI()))) {
                return null;
            }
            if (url.openConnection() instanceof JarURLConnection jar) {
                jar.setUseCaches(false);
                JarEntry entry = jar.getJarEntry();
                if (entry == null || entry.isDirectory()) {
                    return null;
                }
            }
            try (InputStream in = url.openStream()) {
                return in.readAllBytes();
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.warn("The web UI file {} cannot be read: {}", name, e.toString());
            return null;
        }
    }

    /** Hashes the names and contents of every file in the folder, sorted by name. */
    private String computeVersion() {
        MessageDigest md = sha256();
        try {
            for (String name : listFiles()) {
                byte[] bytes = load(name);
                if (bytes != null) {
                    md.update(name.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    md.update(bytes);
                }
            }
        } catch (IOException | UncheckedIOException | URISyntaxException e) {
            LOG.warn("The web UI files cannot be listed; the asset version only covers index.html: {}", e.toString());
            byte[] html = load("index.html");
            md.update(html == null ? new byte[0] : html);
        }
        return hex(md.digest(), 10);
    }

    private List<String> listFiles() throws IOException, URISyntaxException {
        URL url = loader.getResource(root + "index.html");
        if (url == null) {
            url = loader.getResource(root);
        }
        List<String> names = new ArrayList<>();
        if (url == null) {
            return names;
        }
        if ("file".equals(url.getProtocol())) {
            Path p = Path.of(url.toURI());
            Path dir = Files.isDirectory(p) ? p : p.getParent();
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile)
                        .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                        .forEach(names::add);
            }
        } else if (url.openConnection() instanceof JarURLConnection c) {
            c.setUseCaches(false);
            try (JarFile jar = c.getJarFile()) {
                jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(root))
                        .map(e -> e.getName().substring(root.length()))
                        .forEach(names::add);
            }
        } else {
            names.add("index.html");
        }
        names.sort(null);
        return names;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }

    private static String hex(byte[] digest, int chars) {
        return HexFormat.of().formatHex(digest).substring(0, chars);
    }

    private record Asset(String contentType, byte[] bytes, String etag) {
    }
}
