package dev.mcr.server;

import dev.mcr.access.Role;
import java.util.List;
import java.util.Locale;

/**
 * Who may call which route: one row per method and path, the role it needs and the name its audit rows carry. The
 * access check consults it before every route, a test walks every row with every role against a real server, and the
 * table in SECURITY.md is this table printed ({@link #markdown()}; a test keeps them equal).
 */
final class RouteTable {

    /** What a route needs. */
    enum Need {
        /** Nothing: the UI's files, the login, the first admin. */
        PUBLIC,
        /** The page: public once users exist (it shows the login), else like {@link #VIEWER}. */
        PAGE,
        /** Any authenticated caller. */
        USER,
        /** At least the viewer role. */
        VIEWER,
        /** At least the operator role. */
        OPERATOR,
        /** At least the editor role. */
        EDITOR,
        /** The admin role. */
        ADMIN;

        /** The role this need requires, or {@code null} for the needs that name none. */
        Role role() {
            return switch (this) {
                case VIEWER, PAGE, USER -> Role.VIEWER;
                case OPERATOR -> Role.OPERATOR;
                case EDITOR -> Role.EDITOR;
                case ADMIN -> Role.ADMIN;
                case PUBLIC -> null;
            };
        }

        String label() {
            return switch (this) {
                case PUBLIC -> "anyone";
                case PAGE -> "anyone once users exist";
                case USER -> "any signed-in caller";
                default -> name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /**
     * One route.
     *
     * @param method the method
     * @param path   the path; {@code {id}} stands for one path segment, a trailing {@code *} for the rest
     * @param need   what the caller needs
     * @param action the audit action of a change, or {@code null} for a read
     * @param what   what the route does, for the error sentence and SECURITY.md
     */
    record Rule(String method, String path, Need need, String action, String what) {

        boolean matches(String m, String p) {
            if (!method.equals(m)) {
                return false;
            }
            if (path.endsWith("*")) {
                return p.startsWith(path.substring(0, path.length() - 1));
            }
            int brace = path.indexOf("{id}");
            if (brace < 0) {
                return path.equals(p);
            }
            String prefix = path.substring(0, brace);
            String suffix = path.substring(brace + "{id}".length());
            if (!p.startsWith(prefix) || !p.endsWith(suffix) || p.length() <= prefix.length() + suffix.length()) {
                return false;
            }
            return p.substring(prefix.length(), p.length() - suffix.length()).indexOf('/') < 0;
        }

        /** The {@code {id}} segment of a matching path, or {@code ""}. */
        String id(String p) {
            int brace = path.indexOf("{id}");
            int end = p.length() - (path.length() - brace - "{id}".length());
            return brace < 0 || end <= brace ? "" : p.substring(brace, end);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("GET", "/", Need.PAGE, null, "load the web UI"),
            new Rule("GET", "/static/*", Need.PUBLIC, null, "load the web UI's files"),
            new Rule("POST", "/api/login", Need.PUBLIC, "login", "log in"),
            new Rule("POST", "/api/setup", Need.PUBLIC, "user.create", "create the first admin (loopback only)"),
            new Rule("GET", "/api/me", Need.USER, null, "see who you are"),
            new Rule("POST", "/api/logout", Need.USER, "logout", "log out"),
            new Rule("GET", "/api/sessions", Need.USER, null, "list your sessions (admins: everyone's)"),
            new Rule("DELETE", "/api/sessions/{id}", Need.USER, "session.revoke",
                    "end one of your sessions (admins: anyone's)"),
            new Rule("GET", "/api/tokens", Need.USER, null, "list your API tokens (admins: everyone's)"),
            new Rule("POST", "/api/tokens", Need.USER, "token.create", "create an API token"),
            new Rule("DELETE", "/api/tokens/{id}", Need.USER, "token.delete",
                    "delete one of your API tokens (admins: anyone's)"),
            new Rule("GET", "/api/state", Need.VIEWER, null, "read the state (secrets masked)"),
            new Rule("GET", "/api/status", Need.VIEWER, null, "read runner statuses"),
            new Rule("GET", "/api/events", Need.VIEWER, null, "follow the event stream"),
            new Rule("GET", "/api/notifications", Need.VIEWER, null, "read the notification journal"),
            new Rule("GET", "/api/channels", Need.VIEWER, null, "list the channel types and their config fields"),
            new Rule("GET", "/api/export", Need.VIEWER, null, "export runners"),
            new Rule("GET", "/api/log/{id}", Need.VIEWER, null, "read a run log"),
            new Rule("GET", "/api/runners/{id}", Need.VIEWER, null, "read a runner"),
            new Rule("GET", "/api/groups/{id}", Need.VIEWER, null, "read a group"),
            new Rule("GET", "/api/profiles/{id}", Need.VIEWER, null, "read a service (secrets masked)"),
            new Rule("GET", "/api/layout", Need.VIEWER, null, "read the layout"),
            new Rule("GET", "/api/cron/preview", Need.VIEWER, null, "preview the next times of a cron expression"),
            new Rule("POST", "/api/regex/check", Need.VIEWER, null, "check a case pattern (stores nothing)"),
            new Rule("GET", "/api/runs", Need.VIEWER, null, "list recorded runs"),
            new Rule("GET", "/api/runs/recent", Need.VIEWER, null, "list the newest recorded runs of every runner"),
            new Rule("GET", "/api/runs/{id}", Need.VIEWER, null, "read a recorded run"),
            new Rule("GET", "/api/runs/{id}/output", Need.VIEWER, null, "read a recorded run's output"),
            new Rule("GET", "/api/runners/{id}/stats", Need.VIEWER, null, "read a runner's run statistics"),
            new Rule("GET", "/metrics", Need.VIEWER, null,
                    "read the Prometheus metrics (also with the MCR_METRICS_TOKEN bearer)"),
            new Rule("GET", "/healthz", Need.PUBLIC, null, "check that the server lives (no data)"),
            new Rule("GET", "/readyz", Need.PUBLIC, null, "check that the store answers (no data)"),
            new Rule("GET", "/ping/*", Need.PUBLIC, null,
                    "ping a heartbeat runner (/ping/<token>, /start, /fail; the token is the credential)"),
            new Rule("POST", "/ping/*", Need.PUBLIC, null,
                    "ping a heartbeat runner with a body of at most 10 KiB as its output"),
            new Rule("POST", "/api/run", Need.OPERATOR, "runner.run", "run a runner"),
            new Rule("POST", "/api/stop", Need.OPERATOR, "runner.stop", "stop a runner"),
            new Rule("POST", "/api/group/run", Need.OPERATOR, "group.run", "run a group"),
            new Rule("POST", "/api/group/stop", Need.OPERATOR, "group.stop", "stop a group"),
            new Rule("DELETE", "/api/notifications", Need.OPERATOR, "notifications.clear",
                    "acknowledge (clear) the notification journal"),
            new Rule("DELETE", "/api/log/{id}", Need.OPERATOR, "log.clear", "clear a run log"),
            new Rule("POST", "/api/runners/{id}/ack", Need.OPERATOR, "runner.ack",
                    "acknowledge a runner's DOWN/WARN (no escalation repeats until its state changes)"),
            new Rule("POST", "/api/runners/{id}/snooze", Need.OPERATOR, "runner.snooze",
                    "snooze (or unsnooze) a runner's notifications"),
            new Rule("POST", "/api/state", Need.EDITOR, "state.save",
                    "save the whole state (services only as admin; an editor's save keeps them)"),
            new Rule("POST", "/api/clone_runner", Need.EDITOR, "runner.clone", "clone a runner"),
            new Rule("POST", "/api/import", Need.EDITOR, "runner.import", "import runners"),
            new Rule("POST", "/api/runners", Need.EDITOR, "runner.create", "create a runner"),
            new Rule("PUT", "/api/runners/{id}", Need.EDITOR, "runner.update", "change a runner"),
            new Rule("DELETE", "/api/runners/{id}", Need.EDITOR, "runner.delete", "delete a runner"),
            new Rule("GET", "/api/runners/{id}/heartbeat", Need.EDITOR, null,
                    "read a heartbeat runner's ping token, last ping and deadline"),
            new Rule("POST", "/api/runners/{id}/heartbeat/regenerate", Need.EDITOR, "runner.heartbeat.regenerate",
                    "give a heartbeat runner a new ping URL (the old one stops working)"),
            new Rule("POST", "/api/groups", Need.EDITOR, "group.create", "create a group"),
            new Rule("PUT", "/api/groups/{id}", Need.EDITOR, "group.update", "change a group"),
            new Rule("DELETE", "/api/groups/{id}", Need.EDITOR, "group.delete", "delete a group"),
            new Rule("PUT", "/api/layout", Need.EDITOR, "layout.update", "change the layout"),
            new Rule("POST", "/api/profiles", Need.ADMIN, "profile.create", "create a service"),
            new Rule("PUT", "/api/profiles", Need.ADMIN, "profile.order", "order the services"),
            new Rule("PUT", "/api/profiles/{id}", Need.ADMIN, "profile.update", "change a service and its secrets"),
            new Rule("DELETE", "/api/profiles/{id}", Need.ADMIN, "profile.delete", "delete a service"),
            new Rule("POST", "/api/pushover_test", Need.ADMIN, "profile.test", "send a test message"),
            new Rule("GET", "/api/users", Need.ADMIN, null, "list users"),
            new Rule("POST", "/api/users", Need.ADMIN, "user.create", "create a user"),
            new Rule("PUT", "/api/users/{id}", Need.ADMIN, "user.update",
                    "change a user (role, display name, disabled, password)"),
            new Rule("DELETE", "/api/users/{id}", Need.ADMIN, "user.delete", "delete a user"),
            new Rule("POST", "/api/admin/rotate-key", Need.ADMIN, "key.rotate",
                    "re-encrypt every stored secret with the first key"),
            new Rule("GET", "/api/audit", Need.ADMIN, null, "read the audit log"),
            new Rule("GET", "/api/audit/verify", Need.ADMIN, null, "verify the audit log's hash chain"),
            new Rule("GET", "/api/audit/export", Need.ADMIN, null, "export the audit log as JSON lines"));

    /** {@code /metrics} for a scraper with the {@code MCR_METRICS_TOKEN} bearer, which is no user's credential. */
    static final Rule METRICS_BY_TOKEN = new Rule("GET", "/metrics", Need.PUBLIC, null,
            "read the Prometheus metrics with the MCR_METRICS_TOKEN bearer");

    /** Routes not in the table (an unknown path or method) need a viewer, so that strangers get 401, not 404. */
    static final Rule UNKNOWN = new Rule("", "", Need.VIEWER, null, "use this route");

    private RouteTable() {
    }

    /**
     * Finds the rule of a request; the first matching row wins.
     *
     * @param method the method
     * @param path   the path
     * @return the rule, or {@link #UNKNOWN}
     */
    static Rule find(String method, String path) {
        // HEAD is answered like GET by the routes that allow it.
        String m = method.equals("HEAD") ? "GET" : method;
        for (Rule r : RULES) {
            if (r.matches(m, path)) {
                return r;
            }
        }
        return UNKNOWN;
    }

    /**
     * The table as SECURITY.md shows it: each route with a mark for each role that may call it.
     *
     * @return Markdown lines
     */
    static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| route | what | viewer | operator | editor | admin | audit action |\n");
        sb.append("|---|---|:-:|:-:|:-:|:-:|---|\n");
        for (Rule r : RULES) {
            sb.append("| `").append(r.method()).append(' ').append(r.path()).append("` | ").append(r.what())
                    .append(" |");
            for (Role role : Role.values()) {
                sb.append(' ').append(r.need().role() == null || role.covers(r.need().role()) ? "✓" : "–")
                        .append(" |");
            }
            sb.append(' ').append(r.action() == null ? "" : "`" + r.action() + "`").append(" |\n");
        }
        return sb.toString();
    }
}
