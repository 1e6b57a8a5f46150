package dev.mcr.server.cli;

import dev.mcr.KeyRotation;
import dev.mcr.Mcr;
import dev.mcr.access.Access;
import dev.mcr.access.AuditVerification;
import dev.mcr.access.Role;
import dev.mcr.access.User;
import dev.mcr.error.McrException;
import dev.mcr.store.AuditEntry;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code java -jar mcr-server.jar <command>}: users and the audit log of {@code DATA_DIR}. Exit codes: 0 done,
 * 1 failed (or the audit log is broken), 2 wrong usage.
 */
@Command(name = "mcr-server.jar", mixinStandardHelpOptions = true,
        description = {"Without a command: serves the web UI and the API (configured by the environment, see README).",
            "The commands act on DATA_DIR (or --data-dir) and work while the server is stopped."},
        subcommands = {Cli.Serve.class, Cli.UserCommand.class, Cli.AuditCommand.class, Cli.RotateKey.class})
public final class Cli implements Callable<Integer> {

    /** Exit code of a command that could not do its work. */
    public static final int FAILED = 1;

    @Option(names = "--data-dir", description = "The data folder (default: $DATA_DIR, else ./data).")
    Path dataDir;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final Runnable serve;
    private final PrintWriter out;

    private Cli(Map<String, String> env, InputStream stdin, PrintWriter out, Runnable serve) {
        this.env = env;
        this.stdin = stdin;
        this.out = out;
        this.serve = serve;
    }

    /**
     * Runs a command line.
     *
     * @param args  the arguments
     * @param env   the environment ({@code DATA_DIR})
     * @param stdin where {@code --password-stdin} reads
     * @param out   normal output
     * @param err   errors
     * @param serve what {@code serve} (and no command) does
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err,
                          Runnable serve) {
        CommandLine cl = new CommandLine(new Cli(env, stdin, out, serve));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof McrException || e instanceof IllegalArgumentException) {
                line.getErr().println(e.getMessage());
                return FAILED;
            }
            throw e;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        serve.run();
        return 0;
    }

    Path dir() {
        return dataDir != null ? dataDir : Path.of(env.getOrDefault("DATA_DIR", "data").isBlank() ? "data"
                : env.get("DATA_DIR").strip());
    }

    Access open() {
        return Access.open(dir());
    }

    /** The audit actor of the command line: the operating-system user who ran it. */
    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    static void audit(Access access, String action, String target, String summary) {
        access.audit(AuditEntry.of(access.clock().instant(), actor(), "local", "mcr-server.jar", action, target,
                target, "ok", 0, summary));
    }

    /** {@code serve}: the server, as without a command. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serves the web UI and the API.")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            cli.serve.run();
            return 0;
        }
    }

    /** {@code user}: add, list, disable, enable, passwd. */
    @Command(name = "user", mixinStandardHelpOptions = true, description = "Manages users.",
            subcommands = {UserAdd.class, UserList.class, UserPasswd.class})
    static final class UserCommand {
        @ParentCommand
        Cli cli;

        @Command(name = "disable", mixinStandardHelpOptions = true,
                description = "Disables a user and ends their sessions (their tokens stop working).")
        int disable(@Parameters(paramLabel = "NAME", description = "The user.") String name) {
            return cli.setDisabled(name, true);
        }

        @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enables a disabled user.")
        int enable(@Parameters(paramLabel = "NAME", description = "The user.") String name) {
            return cli.setDisabled(name, false);
        }
    }

    /** {@code --password-stdin}, or the console, for the commands that take a password. */
    static final class PasswordInput {
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean fromStdin;

        /** Reads the password: the first line of standard input, or twice from the console. */
        char[] read(InputStream stdin) throws IOException {
            if (fromStdin) {
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("No password on standard input.");
                }
                return line.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("Give the password on standard input with --password-stdin.");
            }
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || !java.util.Arrays.equals(first, second)) {
                throw new IllegalArgumentException("The two passwords differ.");
            }
            return first;
        }
    }

    /** {@code user add NAME --role ROLE --password-stdin}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Creates a user.")
    static final class UserAdd implements Callable<Integer> {
        @ParentCommand
        UserCommand user;
        @Parameters(index = "0", paramLabel = "NAME", description = "The login name.")
        String name;
        @Option(names = "--role", required = true, description = "viewer, operator, editor or admin.")
        String role;
        @Option(names = "--display-name", description = "The name shown (default: NAME).")
        String displayName;
        @Mixin
        PasswordInput password;

        @Override
        public Integer call() throws IOException {
            Role r = Role.parse(role);
            char[] pw = password.read(user.cli.stdin);
            try (Access access = user.cli.open()) {
                User u = access.createUser(name, displayName, r, pw);
                audit(access, "user.create", u.name(), "role: \"" + r.json() + "\"");
                user.cli.out(u.name() + " (" + r.json() + ") created.");
            }
            return 0;
        }
    }

    /** {@code user list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users.")
    static final class UserList implements Callable<Integer> {
        @ParentCommand
        UserCommand user;

        @Override
        public Integer call() {
            try (Access access = user.cli.open()) {
                for (User u : access.users()) {
                    user.cli.out(String.format("%-24s %-9s %-9s last login %s", u.name(), u.role().json(),
                            u.disabled() ? "disabled" : "enabled", u.lastLogin() == null ? "never" : u.lastLogin()));
                }
            }
            return 0;
        }
    }

    int setDisabled(String name, boolean disabled) {
        try (Access access = open()) {
            access.updateUser(name, null, null, disabled);
            audit(access, "user.update", name, "disabled: " + disabled);
            out(name + (disabled ? " disabled." : " enabled."));
        }
        return 0;
    }

    /** {@code user passwd NAME --password-stdin}. */
    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Sets a user's password and ends their sessions.")
    static final class UserPasswd implements Callable<Integer> {
        @ParentCommand
        UserCommand user;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Mixin
        PasswordInput password;

        @Override
        public Integer call() throws IOException {
            char[] pw = password.read(user.cli.stdin);
            try (Access access = user.cli.open()) {
                access.setPassword(name, pw);
                audit(access, "user.update", name, "password: changed");
                user.cli.out("The password of " + name + " is set.");
            }
            return 0;
        }
    }

    /** {@code rotate-key}: re-encrypts every stored secret with the first key; exit 1 when some no key reads. */
    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = {"Re-encrypts every stored secret with the first key of MULTI_COMMAND_RUNNER_SECRET_KEY "
                + "(or of DATA_DIR/.credentials.key): several keys separated by commas, the first encrypts, all decrypt.",
                "Run it while no server uses the folder (a running server rotates with POST /api/admin/rotate-key).",
                "Exit code 0 when every secret is now under the first key, 1 when some no given key decrypts (they are "
                    + "kept as they are and named by owner)."})
    static final class RotateKey implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            String key = cli.env.get("MULTI_COMMAND_RUNNER_SECRET_KEY");
            KeyRotation r = Mcr.rotateKeys(cli.dir(), key == null || key.isBlank() ? null : key);
            try (Access access = cli.open()) {
                audit(access, "key.rotate", "", "reencrypted: " + r.reencrypted() + "; unreadable: "
                        + r.unreadable().size());
            }
            cli.out(r.reencrypted() + " secret(s) re-encrypted with the first key, " + r.current()
                    + " already under it.");
            for (String where : r.unreadable()) {
                cli.out("No given key decrypts: " + where + " (kept as it is).");
            }
            return r.complete() ? 0 : FAILED;
        }
    }

    /** {@code audit verify}. */
    @Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit log.",
            subcommands = {AuditVerify.class})
    static final class AuditCommand {
        @ParentCommand
        Cli cli;
    }

    /** {@code audit verify}: exit 0 when the chain is intact, 1 when not. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks the audit log's hash chain; exit code 0 when intact, 1 when a row was edited or "
                    + "removed.")
    static final class AuditVerify implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() {
            try (Access access = audit.cli.open()) {
                AuditVerification v = access.verifyAudit();
                if (v.ok()) {
                    audit.cli.out("The audit log is intact: " + v.checked() + " rows checked; last hash "
                            + (v.lastHash().isEmpty() ? "(none)" : v.lastHash()) + ".");
                    return 0;
                }
                audit.cli.out("The audit log is broken at row " + v.brokenAt() + " (" + v.checked()
                        + " rows checked): that row was edited or removed.");
                return FAILED;
            }
        }
    }

    void out(String line) {
        out.println(line);
        out.flush();
    }
}
