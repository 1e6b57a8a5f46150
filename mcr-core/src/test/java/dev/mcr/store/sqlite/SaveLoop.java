package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.store.ConfigChange;
import dev.mcr.store.ConfigKind;
import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link SqliteStoreStateTest}: commits ever new versions of two runners (one large) as fast as it
 * can and prints the number of each completed commit, until it is killed.
 */
public final class SaveLoop {

    private SaveLoop() {
    }

    /**
     * Runs the loop.
     *
     * @param args the data folder
     */
    public static void main(String[] args) {
        ObjectMapper json = new ObjectMapper();
        String padding = "x".repeat(200_000);
        try (SqliteStore store = SqliteStore.open(Path.of(args[0]))) {
            for (long seq = 1; ; seq++) {
                String a = json.createObjectNode().put("id", "a").put("padding", padding).put("seq", seq).toString();
                String b = json.createObjectNode().put("id", "b").put("seq", seq).put("check", seq).toString();
                store.config().commit(List.of(ConfigChange.put(ConfigKind.RUNNER, "a", a, seq - 1),
                        ConfigChange.put(ConfigKind.RUNNER, "b", b, seq - 1)));
                System.out.println(seq);
                System.out.flush();
            }
        }
    }
}
