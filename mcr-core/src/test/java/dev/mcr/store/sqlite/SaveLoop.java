package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.CredentialCipher;
import java.nio.file.Path;

/**
 * Child process of {@link SqliteStoreStateTest}: saves ever new states as fast as it can and prints the number
 * of each completed save, until it is killed.
 */
public final class SaveLoop {

    private SaveLoop() {
    }

    /**
     * Runs the loop.
     *
     * @param args data folder, Fernet key
     */
    public static void main(String[] args) {
        ObjectMapper json = new ObjectMapper();
        String padding = "x".repeat(200_000);
        try (SqliteStore store = SqliteStore.open(Path.of(args[0]), CredentialCipher.ofKey(args[1]))) {
            for (long seq = 1; ; seq++) {
                ObjectNode state = json.createObjectNode();
                state.put("seq", seq);
                state.put("padding", padding);
                state.putArray("notify_profiles").addObject().put("id", "notify_a")
                        .putObject("config").put("user_key", "u" + seq).put("api_token", "t" + seq);
                state.put("check", seq);
                store.saveState(state);
                System.out.println(seq);
                System.out.flush();
            }
        }
    }
}
