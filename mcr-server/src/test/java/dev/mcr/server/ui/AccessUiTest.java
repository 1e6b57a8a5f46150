package dev.mcr.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.access.Role;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** The login page, the first admin, what a viewer sees, and the admin's audit pane, in Chromium. */
class AccessUiTest extends BrowserTestBase {

    private static final String PW = "violet-otter-cathedral";

    private void openLogin() {
        consoleErrors();
        driver.get(server.url().toString());
        waitUntil(d -> d.findElement(By.id("loginPanel")).isDisplayed(), "the login form");
        assertThat(driver.findElement(By.id("main")).isDisplayed()).isFalse();
    }

    private void logIn(String user, String password) {
        type(driver.findElement(By.id("loginUser")), user);
        type(driver.findElement(By.id("loginPassword")), password);
        click(driver.findElement(By.id("loginSubmit")));
        waitUntil(d -> !d.findElements(By.cssSelector("#main:not([hidden])")).isEmpty()
                && !d.findElements(By.cssSelector("#conn.open")).isEmpty(), "the page after the login");
    }

    @Test
    void the_first_admin_is_created_from_this_machine_then_the_page_asks_for_a_login_and_shows_the_audit_pane() {
        openPage();
        WebElement banner = driver.findElement(By.id("setupBanner"));
        assertThat(banner.isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("usersBtn")).isDisplayed()).isFalse();
        click(driver.findElement(By.id("setupOpen")));
        type(driver.findElement(By.id("setupUser")), "root");
        type(driver.findElement(By.id("setupPassword")), PW);
        type(driver.findElement(By.id("setupPassword2")), PW);
        click(driver.findElement(By.id("setupSubmit")));
        // The page reloads: ask atomically, so that no element of the old page is held.
        waitUntil(d -> !d.findElements(By.cssSelector("#who:not([hidden])")).isEmpty()
                && !d.findElements(By.cssSelector("#conn.open")).isEmpty(), "the page as the new admin");
        assertThat(text(driver.findElement(By.id("who")))).isEqualTo("root (admin)");
        assertThat(driver.findElement(By.id("setupBanner")).isDisplayed()).isFalse();
        assertThat(mcr.access().users()).extracting(u -> u.name() + " " + u.role()).containsExactly("root ADMIN");

        click(driver.findElement(By.id("auditBtn")));
        waitUntil(d -> d.findElements(By.cssSelector("#auditRows tr")).size() >= 2, "the audit rows");
        assertThat(text(driver.findElement(By.id("auditRows")))).contains("user.create").contains("login");
        click(driver.findElement(By.id("auditVerify")));
        waitUntil(d -> text(d.findElement(By.id("auditVerifyResult"))).contains("intact"), "the verification");
        click(driver.findElement(By.id("auditClose")));

        click(driver.findElement(By.id("logoutBtn")));
        waitUntil(d -> !d.findElements(By.cssSelector("#loginPanel:not([hidden])")).isEmpty(),
                "the login form after the logout");
        type(driver.findElement(By.id("loginUser")), "root");
        type(driver.findElement(By.id("loginPassword")), "wrong-password-123");
        click(driver.findElement(By.id("loginSubmit")));
        waitUntil(d -> d.findElement(By.id("loginError")).isDisplayed(), "the refusal");
        assertThat(text(driver.findElement(By.id("loginError")))).contains("wrong");
        logIn("root", PW);
        assertThat(text(driver.findElement(By.id("who")))).isEqualTo("root (admin)");
    }

    @Test
    void a_viewer_sees_no_run_button_cannot_edit_and_the_api_refuses_a_run_tried_anyway() {
        saveState(stateOf(runner("runner_a", "Backup", "echo ok")));
        mcr.access().createUser("root", null, Role.ADMIN, PW.toCharArray());
        mcr.access().createUser("vic", "Vic", Role.VIEWER, PW.toCharArray());
        openLogin();
        logIn("vic", PW);
        assertThat(text(driver.findElement(By.id("who")))).isEqualTo("Vic (viewer)");
        WebElement card = runnerCard("runner_a");
        assertThat(act(card, "run").isDisplayed()).as("the Run button").isFalse();
        assertThat(act(card, "remove").isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("addRunner")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("addService")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("auditBtn")).isDisplayed()).isFalse();
        assertThat(card.findElement(By.cssSelector("textarea")).isEnabled()).as("the command").isFalse();

        @SuppressWarnings("unchecked")
        List<Object> answer = (List<Object>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/api/me').then(r => r.json()).then(me => fetch('/api/run', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},"
                + " body: JSON.stringify({runner_id: 'runner_a'})}))"
                + ".then(r => r.text().then(t => done([r.status, t])));");
        assertThat(((Number) answer.get(0)).intValue()).isEqualTo(403);
        assertThat(answer.get(1).toString()).contains("Your role viewer may not run a runner");
        assertThat(mcr.status().get("runner_a").runCount()).isZero();
        assertThat(mcr.access().auditLog(new dev.mcr.store.AuditQuery(5, "vic", "runner.run", null)))
                .extracting(e -> e.outcome()).containsExactly("denied");
    }
}
