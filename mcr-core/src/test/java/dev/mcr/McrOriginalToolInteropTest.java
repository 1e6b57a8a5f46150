package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.crypto.LogCapture;
import dev.mcr.crypto.PythonFernet;
import dev.mcr.model.CaseState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.store.ConfigKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A user can go back": the original tool (here its reading and writing of {@code app.db}, in Python with
 * {@code sqlite3} and {@code cryptography} as it does) and mcr take turns on one data folder and each sees what the
 * other saved.
 */
class McrOriginalToolInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the state row and the key file like the original's load, and prints what a user would see. */
    private static final String READ_LIKE_THE_ORIGINAL = String.join("\n",
            "import json, sqlite3, sys",
            "from cryptography.fernet import Fernet",
            "data = sys.argv[1]",
            "key = open(data + '/.credentials.key', 'rb').read().strip()",
            "fernet = Fernet(key)",
            "def plain(v):",
            "    if isinstance(v, str) and v.startswith('enc:v1:'):",
            "        return fernet.decrypt(v[len('enc:v1:'):].encode('ascii')).decode('utf-8')",
            "    return v",
            "con = sqlite3.connect(data + '/app.db')",
            "state = json.loads(con.execute('SELECT json FROM state WHERE id=1').fetchone()[0])",
            "out = {",
            "  'runners': [{'id': r['id'], 'name': r['name'], 'command': r['command'],",
            "               'interval': r['schedule']['hours'] * 3600 + r['schedule']['minutes'] * 60",
            "                           + r['schedule']['seconds'],",
            "               'notify': r['notify_profile_ids'],",
            "               'cases': [[c['id'], c['pattern'], c['message_template'], c['state']] for c in r['cases']]}",
            "              for r in state['runners']],",
            "  'groups': [{'id': g['id'], 'name': g['name'], 'runner_ids': g['runner_ids'],",
            "              'disabled': g['disabled_runner_ids']} for g in state['runner_groups']],",
            "  'services': [{'id': p['id'], 'name': p['name'], 'type': p['type'], 'active': p['active'],",
            "                'secrets': {k: plain(v) for k, v in p['config'].items()}} for p in state['notify_profiles']],",
            "  'layout': [[i['type'], i['id']] for i in state['runner_layout']],",
            "}",
            "sys.stdout.write(json.dumps(out))");

    /** Changes the state like the original's save: the whole document, secrets encrypted with the key file. */
    private static final String WRITE_LIKE_THE_ORIGINAL = String.join("\n",
            "import json, sqlite3, sys",
            "from cryptography.fernet import Fernet",
            "data = sys.argv[1]",
            "fernet = Fernet(open(data + '/.credentials.key', 'rb').read().strip())",
            "con = sqlite3.connect(data + '/app.db')",
            "state = json.loads(con.execute('SELECT json FROM state WHERE id=1').fetchone()[0])",
            "state['runners'] = [r for r in state['runners'] if r['id'] != 'runner_gone']",
            "for r in state['runners']:",
            "    if r['id'] == 'runner_nas':",
            "        r['command'] = 'ping -c1 nas.changed'",
            "        r['cases'][0]['message_template'] = 'NAS antwortet'",
            "state['runners'].append({'id': 'runner_added', 'name': 'Added by the original', 'command': 'echo added',",
            "    'logging_enabled': True, 'schedule': {'hours': 0, 'minutes': 0, 'seconds': 0}, 'max_runs': 1,",
            "    'alert_cooldown_s': 300, 'alert_escalation_s': 1800, 'failure_pause_threshold': 5, 'cases': [],",
            "    'notify_profile_ids': [], 'notify_profile_updates_only': []})",
            "state['runner_layout'] = [i for i in state['runner_layout'] if i['id'] != 'runner_gone']",
            "state['runner_layout'].append({'type': 'runner', 'id': 'runner_added'})",
            "state['notify_profiles'][0]['config']['api_token'] = 'enc:v1:' + fernet.encrypt(",
            "    'aNewTokenFromTheOriginal'.encode('utf-8')).decode('ascii')",
            "state['notify_profiles'][0]['sent_count'] = 17",
            "con.execute('INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json=excluded.json',",
            "            (json.dumps(state, ensure_ascii=False),))",
            "con.commit()",
            "con.close()");

    @TempDir
    Path dir;

    @BeforeEach
    void needsPython() {
        assumeTrue(PythonFernet.available(), PythonFernet.UNAVAILABLE);
    }

    private static String python(String script, Path dataDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-W", "ignore", "-c", script, dataDir.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private Mcr open() {
        return Mcr.builder().dataDir(dir).seedDemo(false).build();
    }

    private void saveRunnersCasesAGroupAndAService(Mcr mcr) {
        mcr.saveProfile(NotifyProfile.pushover("notify_home", "Pushover Zuhause", "uHomeUser äöü", "aHomeToken"));
        mcr.saveRunner(Runner.builder("runner_nas").name("NAS").command("ping -c1 nas.local")
                .every(Duration.ofSeconds(90)).unlimitedRuns()
                .onMatch("1 received", CaseState.UP, "NAS ist erreichbar")
                .onMatch("100% packet loss", CaseState.DOWN, "NAS fehlt: {match}")
                .notify("notify_home").build());
        mcr.saveRunner(Runner.builder("runner_backup").name("Backup").command("echo backup").build());
        mcr.saveRunner(Runner.builder("runner_gone").name("Gone soon").command("true").build());
        mcr.saveGroup(RunnerGroup.builder("group_night").name("Nachts").runners("runner_backup")
                .disabledRunner("runner_gone").build());
    }

    @Test
    void the_original_tool_reads_the_runners_cases_groups_services_and_secrets_mcr_saved() throws Exception {
        try (Mcr mcr = open()) {
            saveRunnersCasesAGroupAndAService(mcr);
        }
        JsonNode seen = JSON.readTree(python(READ_LIKE_THE_ORIGINAL, dir));

        assertThat(seen.get("runners")).hasSize(3);
        JsonNode nas = seen.get("runners").get(0);
        assertThat(nas.get("id").asText()).isEqualTo("runner_nas");
        assertThat(nas.get("command").asText()).isEqualTo("ping -c1 nas.local");
        assertThat(nas.get("interval").asInt()).isEqualTo(90);
        assertThat(nas.get("notify").get(0).asText()).isEqualTo("notify_home");
        assertThat(nas.get("cases")).hasSize(2);
        assertThat(nas.get("cases").get(0).get(1).asText()).isEqualTo("1 received");
        assertThat(nas.get("cases").get(0).get(2).asText()).isEqualTo("NAS ist erreichbar");
        assertThat(nas.get("cases").get(0).get(3).asText()).isEqualTo("UP");
        assertThat(nas.get("cases").get(1).get(2).asText()).isEqualTo("NAS fehlt: {match}");
        assertThat(seen.get("groups")).singleElement().satisfies(g -> {
            assertThat(g.get("name").asText()).isEqualTo("Nachts");
            assertThat(g.get("runner_ids").toString()).isEqualTo("[\"runner_backup\",\"runner_gone\"]");
            assertThat(g.get("disabled").toString()).isEqualTo("[\"runner_gone\"]");
        });
        assertThat(seen.get("services")).singleElement().satisfies(p -> {
            assertThat(p.get("name").asText()).isEqualTo("Pushover Zuhause");
            assertThat(p.get("active").asBoolean()).isTrue();
            assertThat(p.get("secrets").get("user_key").asText()).isEqualTo("uHomeUser äöü");
            assertThat(p.get("secrets").get("api_token").asText()).isEqualTo("aHomeToken");
        });
        assertThat(seen.get("layout").toString()).isEqualTo("[[\"runner\",\"runner_nas\"],[\"group\",\"group_night\"]]");
    }

    @Test
    void a_state_the_original_tool_saved_meanwhile_is_taken_over_at_the_next_start() throws Exception {
        long nasVersion;
        long backupVersion;
        try (Mcr mcr = open()) {
            saveRunnersCasesAGroupAndAService(mcr);
            nasVersion = mcr.versionedRunner("runner_nas").orElseThrow().version();
            backupVersion = mcr.versionedRunner("runner_backup").orElseThrow().version();
        }
        python(WRITE_LIKE_THE_ORIGINAL, dir);

        AtomicReference<Mcr> started = new AtomicReference<>();
        String log = LogCapture.during(() -> started.set(open()));
        try (Mcr mcr = started.get()) {
            Runner nas = mcr.state().runner("runner_nas").orElseThrow();
            assertThat(nas.execution().command()).isEqualTo("ping -c1 nas.changed");
            assertThat(nas.cases().get(0).messageTemplate()).isEqualTo("NAS antwortet");
            assertThat(mcr.versionedRunner("runner_nas").orElseThrow().version()).isEqualTo(nasVersion + 1);
            assertThat(mcr.versionedRunner("runner_backup").orElseThrow().version()).as("unchanged objects keep theirs")
                    .isEqualTo(backupVersion);
            assertThat(mcr.state().runner("runner_gone")).isEmpty();
            assertThat(mcr.state().runner("runner_added").orElseThrow().name()).isEqualTo("Added by the original");
            assertThat(mcr.state().group("group_night").orElseThrow().runnerIds()).containsExactly("runner_backup");
            NotifyProfile home = mcr.state().profile("notify_home").orElseThrow();
            assertThat(home.configValue("api_token")).isEqualTo("aNewTokenFromTheOriginal");
            assertThat(home.configValue("user_key")).isEqualTo("uHomeUser äöü");
            assertThat(home.sentCount()).isEqualTo(17);
            List<String> lines = log.lines().filter(l -> l.contains("took over")).toList();
            assertThat(lines).singleElement().satisfies(l -> assertThat(l).contains("INFO")
                    .contains("runner change").contains("runner deletion").doesNotContain("aNewToken"));
        }
        String again = LogCapture.during(() -> open().close());
        assertThat(again).as("taken over once").doesNotContain("took over");

        // And the original reads it all back after mcr's next save.
        try (Mcr mcr = open()) {
            mcr.saveRunner(mcr.state().runner("runner_backup").orElseThrow());
            long v = mcr.versionedRunner("runner_added").orElseThrow().version();
            mcr.updateJson(ConfigKind.RUNNER, "runner_added", "{\"name\": \"Renamed in mcr\"}"
                    .getBytes(StandardCharsets.UTF_8), v);
            assertThat(mcr.versionedState().versions().runner("runner_added")).isEqualTo(v + 1);
        }
        JsonNode seen = JSON.readTree(python(READ_LIKE_THE_ORIGINAL, dir));
        assertThat(seen.get("runners").toString()).contains("Renamed in mcr").contains("nas.changed")
                .doesNotContain("runner_gone");
        assertThat(seen.get("services").get(0).get("secrets").get("api_token").asText())
                .isEqualTo("aNewTokenFromTheOriginal");
    }
}
