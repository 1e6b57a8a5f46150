package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Importing an export first shows what it adds and which names exist already; Cancel stores nothing; after the
 * import the new cards are marked and brought into view.
 */
class ImportPreviewUiTest extends BrowserTestBase {

    private static final String STATE = "{\"notify_profiles\":[],\"runners\":["
            + runner("runner_a", "Backup", "echo backup") + "," + runner("runner_b", "Cleanup", "echo cleanup") + "],"
            + "\"runner_groups\":[{\"id\":\"group_a\",\"name\":\"Nightly\",\"runner_ids\":[\"runner_b\"]}],"
            + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_a\"},{\"type\":\"group\",\"id\":\"group_a\"}]}";

    private WebElement previewDialog() {
        return waitUntil(d -> {
            List<WebElement> found = d.findElements(By.id("importPreviewDialog"));
            return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
        }, "the import preview");
    }

    @Test
    void the_preview_lists_runners_and_groups_marks_existing_names_and_cancel_imports_nothing(@TempDir Path files)
            throws IOException {
        saveState(STATE);
        openPage();
        String export = api("GET", "/api/export", null).body()
                .replaceFirst("\"name\":\\s*\"Backup\"", "\"name\": \"Backup (new host)\"");
        Path file = Files.writeString(files.resolve("export.json"), export);
        String before = api("GET", "/api/state", null).body();

        driver.findElement(By.id("importFile")).sendKeys(file.toString());
        WebElement dialog = previewDialog();
        String body = text(dialog.findElement(By.id("importPreviewBody")));
        assertThat(body).contains("export.json adds 2 runners and 1 groups")
                .contains("2 names exist already").contains("Notification services are not part of an export");
        List<String> rows = dialog.findElements(By.cssSelector(".import-list li")).stream().map(this::text)
                .collect(Collectors.toList());
        assertThat(rows).containsExactly("Backup (new host)", "Cleanupname exists", "Nightly1 membersname exists");
        assertNoSeriousAxeViolations("import preview dialog");

        click(driver.findElement(By.id("importCancel")));
        waitUntil(d -> !dialog.isDisplayed(), "the preview to close");
        assertThat(api("GET", "/api/state", null).body()).as("nothing imported").isEqualTo(before);
        assertThat(flashText()).isEmpty();
    }

    @Test
    void after_the_import_the_new_cards_are_marked_and_the_first_is_in_view(@TempDir Path files) throws IOException {
        saveState(STATE);
        openPage();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 500));
        try {
            Path file = Files.writeString(files.resolve("export.json"), api("GET", "/api/export", null).body());
            driver.findElement(By.id("importFile")).sendKeys(file.toString());
            previewDialog();
            click(driver.findElement(By.id("importConfirm")));
            waitUntil(d -> d.findElements(By.cssSelector("article.runner")).size() == 4, "the imported runners");
            assertThat(flashText()).isEqualTo("Imported runners: 2.");
            List<WebElement> marked = driver.findElements(By.cssSelector(".just-imported"));
            assertThat(marked).extracting(e -> e.getAttribute("id"))
                    .as("the two new runners and the new group, not the old cards")
                    .hasSize(3).noneMatch(id -> id.equals("runner-runner_a") || id.equals("runner-runner_b")
                            || id.equals("group-group_a"));
            assertThat((Boolean) js("const r = arguments[0].getBoundingClientRect();"
                    + "return r.top < window.innerHeight && r.bottom > 0;", marked.get(0))).as("in view").isTrue();
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }
}
