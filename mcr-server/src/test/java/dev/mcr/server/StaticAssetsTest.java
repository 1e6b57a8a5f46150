package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticAssetsTest {

    private static final HttpRequest.Body NO_BODY = new HttpRequest.Body() {
        @Override
        public boolean present() {
            return false;
        }

        @Override
        public byte[] read(int limit, String tooLargeDetail) {
            return new byte[0];
        }
    };

    private final StaticAssets assets = new StaticAssets(getClass().getClassLoader(), "teststatic/");

    private static HttpRequest get(String query, Map<String, String> headers) {
        return new HttpRequest("GET", "/static/x", query == null ? Map.of() : Map.of("v", List.of(query)), headers,
                NO_BODY);
    }

    private HttpResponse asset(String name) {
        return assets.asset(name, get(null, Map.of()));
    }

    @Test
    void the_index_gets_the_asset_version_in_place_of_the_placeholder() {
        HttpResponse r = assets.index();
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(r.headers()).containsEntry("Cache-Control", "no-cache");
        assertThat(assets.version()).matches("[0-9a-f]{10}");
        assertThat(html).doesNotContain("__ASSET_VERSION__")
                .contains("/static/js/app.js?v=" + assets.version())
                .contains("/static/style.css?v=" + assets.version());
    }

    @Test
    void the_asset_version_is_stable_and_depends_on_the_files() {
        assertThat(new StaticAssets(getClass().getClassLoader(), "teststatic/").version()).isEqualTo(assets.version());
        assertThat(new StaticAssets(getClass().getClassLoader(), "teststatic/js/").version())
                .isNotEqualTo(assets.version());
    }

    @Test
    void without_an_index_a_placeholder_page_says_the_ui_is_coming() {
        StaticAssets none = new StaticAssets(getClass().getClassLoader(), "no-such-folder/");
        HttpResponse r = none.index();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("The web UI is coming");
        assertThat(none.asset("app.js", get(null, Map.of())).status()).isEqualTo(404);
    }

    @Test
    void files_are_served_with_their_content_types() {
        assertThat(asset("js/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(new String(asset("js/app.js").body(), StandardCharsets.UTF_8)).contains("answer = 42");
        assertThat(asset("style.css").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(asset("icon.svg").contentType()).isEqualTo("image/svg+xml");
        assertThat(asset("page.html").contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(asset("data.json").contentType()).isEqualTo("application/json");
        HttpResponse png = asset("pixel.png");
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.txt", "js/../../outside.txt", "./style.css", "js//app.js", "/style.css",
            "..\\outside.txt", "sub\\..\\..\\outside.txt", ".hidden.txt", "README", "sub/dir", "folder.js",
            "missing.js", "style.css\u0000.png", "C:/outside.txt", ""})
    void names_outside_the_folder_hidden_files_directories_and_unknown_types_are_not_found(String name) {
        HttpResponse r = asset(name);
        assertThat(r.status()).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"detail\":\"Not Found\"}");
    }

    @Test
    void the_traversal_check_is_what_keeps_the_outside_file_private() {
        // The class loader itself resolves "..": without the check this file would be served.
        assertThat(getClass().getClassLoader().getResource("teststatic/../outside.txt")).isNotNull();
        assertThat(asset("../outside.txt").status()).isEqualTo(404);
    }

    @Test
    void versioned_urls_may_be_cached_forever_and_others_are_revalidated() {
        HttpResponse versioned = assets.asset("style.css", get(assets.version(), Map.of()));
        assertThat(versioned.headers()).containsEntry("Cache-Control", "public, max-age=31536000, immutable");
        HttpResponse plain = asset("style.css");
        assertThat(plain.headers()).containsEntry("Cache-Control", "no-cache");
        String etag = plain.headers().get("ETag");
        assertThat(etag).matches("\"[0-9a-f]{16}\"");
        HttpResponse again = assets.asset("style.css", get(null, Map.of("if-none-match", etag)));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(assets.asset("style.css", get(null, Map.of("if-none-match", "\"other\""))).status())
                .isEqualTo(200);
    }
}
