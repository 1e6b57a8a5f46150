package dev.mcr.server.ui;

import dev.mcr.access.Role;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * axe-core on every page and dialog, light and dark, at desktop and phone width: no {@code serious} or
 * {@code critical} violation (keyboard and screen-reader use, contrast, names of controls). Screenshots of the
 * filled page (desktop light and dark, phone dark) go to {@code target/ui-screenshots/} for review.
 */
class AccessibilityUiTest extends BrowserTestBase {

    private static final String PW = "violet-otter-cathedral";

    private static final String FILLED_STATE = "{\"notify_profiles\":[{\"id\":\"np_a\",\"name\":\"Phone\","
            + "\"type\":\"pushover\",\"active\":true,\"config\":{\"user_key\":\"u\",\"api_token\":\"t\"}}],"
            + "\"runners\":[" + runner("runner_a", "Disk report", "echo disk at 93%",
                    "[{\"id\":\"case_a\",\"pattern\":\"disk at (\\\\d+)%\",\"message_template\":\"Disk {g1}%\","
                            + "\"state\":\"WARN\"}]")
            + "," + runner("runner_b", "Backup", "echo ok") + "," + runner("runner_c", "Member", "echo member") + "],"
            + "\"runner_groups\":[{\"id\":\"group_a\",\"name\":\"Nightly\",\"runner_ids\":[\"runner_c\"]}],"
            + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"runner_a\"},{\"type\":\"runner\",\"id\":\"runner_b\"},"
            + "{\"type\":\"group\",\"id\":\"group_a\"}]}";

    private void emulateDark(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                java.util.List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    private void phoneWidth(boolean phone) {
        driver.manage().window().setSize(phone ? new org.openqa.selenium.Dimension(390, 844)
                : new org.openqa.selenium.Dimension(1280, 900));
    }

    @Test
    void the_empty_page_has_no_serious_violation_light_or_dark() {
        openPage();
        assertNoSeriousAxeViolations("empty main page (light)");
        emulateDark(true);
        try {
            assertNoSeriousAxeViolations("empty main page (dark)");
        } finally {
            emulateDark(false);
        }
    }

    @Test
    void a_page_with_runners_a_group_a_service_and_a_finished_run_has_no_serious_violation() throws IOException {
        saveState(FILLED_STATE);
        openPage();
        WebElement card = runnerCard("runner_a");
        click(act(card, "run"));
        waitUntil(d -> text(card.findElement(By.cssSelector(".last-exit"))).startsWith("last exit code 0"),
                "the run to finish");
        assertNoSeriousAxeViolations("main page with runners, a group and a service (light)");
        screenshot("main-desktop-light.png");
        emulateDark(true);
        try {
            assertNoSeriousAxeViolations("main page with runners, a group and a service (dark)");
            screenshot("main-desktop-dark.png");
            phoneWidth(true);
            assertNoSeriousAxeViolations("main page with runners on a phone (dark)");
            screenshot("main-phone-dark.png");
        } finally {
            emulateDark(false);
            phoneWidth(false);
        }
        type(field(card, "name"), "Disk report edited");
        assertNoSeriousAxeViolations("main page with an edited (unsaved) card");
    }

    @Test
    void the_info_and_confirm_dialogs_have_no_serious_violation() {
        saveState(FILLED_STATE);
        openPage();
        click(driver.findElement(By.id("brand")));
        waitUntil(d -> d.findElement(By.id("infoDialog")).isDisplayed(), "the info dialog");
        assertNoSeriousAxeViolations("info dialog");
        click(driver.findElement(By.id("infoClose")));
        waitUntil(d -> !d.findElement(By.id("infoDialog")).isDisplayed(), "the info dialog to close");

        click(act(runnerCard("runner_b"), "remove"));
        waitUntil(d -> d.findElement(By.id("confirmDialog")).isDisplayed(), "the confirm dialog");
        assertNoSeriousAxeViolations("confirm dialog");
        click(driver.findElement(By.id("confirmCancel")));
    }

    @Test
    void the_setup_dialog_the_login_page_and_the_admin_dialogs_have_no_serious_violation() {
        openPage();
        click(driver.findElement(By.id("setupOpen")));
        waitUntil(d -> d.findElement(By.id("setupDialog")).isDisplayed(), "the setup dialog");
        assertNoSeriousAxeViolations("first-admin dialog");
        click(driver.findElement(By.id("setupCancel")));

        mcr.access().createUser("root", null, Role.ADMIN, PW.toCharArray());
        consoleErrors();
        driver.get(server.url().toString());
        waitUntil(d -> d.findElement(By.id("loginPanel")).isDisplayed(), "the login form");
        assertNoSeriousAxeViolations("login page");
        type(driver.findElement(By.id("loginUser")), "root");
        type(driver.findElement(By.id("loginPassword")), "wrong-password-123");
        click(driver.findElement(By.id("loginSubmit")));
        waitUntil(d -> d.findElement(By.id("loginError")).isDisplayed(), "the refusal");
        assertNoSeriousAxeViolations("login page with an error");
        type(driver.findElement(By.id("loginPassword")), PW);
        click(driver.findElement(By.id("loginSubmit")));
        waitUntil(d -> !d.findElements(By.cssSelector("#main:not([hidden])")).isEmpty()
                && !d.findElements(By.cssSelector("#conn.open")).isEmpty(), "the page after the login");

        for (String name : new String[] {"account", "users", "audit"}) {
            click(driver.findElement(By.id(name + "Btn")));
            waitUntil(d -> d.findElement(By.id(name + "Dialog")).isDisplayed(), "the " + name + " dialog");
            assertNoSeriousAxeViolations(name + " dialog");
            click(driver.findElement(By.id(name + "Close")));
            waitUntil(d -> !d.findElement(By.id(name + "Dialog")).isDisplayed(), "the " + name + " dialog to close");
        }
    }
}
