package dev.mcr.model;

import java.util.List;
import java.util.Map;

/**
 * The state an empty store starts with: the original tool's two demo runners, with its fixed ids.
 *
 * <p>"Passwort-Check-Demo" prints one of two lines at random, each matched by a case;
 * "Ping 192.168.3.1 Demo" checks a host every 5 seconds until stopped.
 */
public final class DemoState {

    /** Id of the random-line demo runner. */
    public static final String PASSWORD_RUNNER_ID = "runner1";
    /** Id of the host-check demo runner. */
    public static final String PING_RUNNER_ID = "runner_ping_192_168_3_1";

    private static final String PASSWORD_COMMAND = String.join("\n",
            "if [ $((RANDOM % 2)) -eq 0 ]; then",
            "  echo \"passwort: beispielpasswort\"",
            "else",
            "  echo \"passwort nicht gefunden\"",
            "fi");

    private static final String PING_COMMAND =
            "curl -sS --max-time 2 http://192.168.3.1 >/dev/null && echo OK || echo FAIL";

    private DemoState() {
    }

    /**
     * Returns the first-start state: no profiles, the two demo runners, no groups, both runners in the layout.
     *
     * @return the seed state (normalized)
     */
    public static AppState seed() {
        Runner password = Runner.builder(PASSWORD_RUNNER_ID).name("Passwort-Check-Demo").command(PASSWORD_COMMAND)
                .cases(List.of(
                        new CaseRule("case_pw", "passwort:\\s*(?P<pw>\\S+)", "Passwort: {pw}", CaseState.NONE),
                        new CaseRule("case_nf", "passwort nicht gefunden", "Passwort nicht gefunden", CaseState.NONE)))
                .build();
        Runner ping = Runner.builder(PING_RUNNER_ID).name("Ping 192.168.3.1 Demo").command(PING_COMMAND)
                .schedule(new Schedule.FixedDelay(0, 0, 5)).unlimitedRuns()
                .cases(List.of(
                        new CaseRule("case_ping_ok", "OK", "192.168.3.1 ist erreichbar", CaseState.NONE),
                        new CaseRule("case_ping_fail", "FAIL", "192.168.3.1 ist NICHT erreichbar", CaseState.NONE)))
                .build();
        return new AppState(List.of(), List.of(password, ping), List.of(),
                List.of(LayoutItem.runner(PASSWORD_RUNNER_ID), LayoutItem.runner(PING_RUNNER_ID)), Map.of());
    }
}
