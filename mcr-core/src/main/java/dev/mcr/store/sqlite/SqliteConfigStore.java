package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.VersionConflictException;
import dev.mcr.json.PythonJson;
import dev.mcr.json.StateTrees;
import dev.mcr.store.CommittedChange;
import dev.mcr.store.ConfigChange;
import dev.mcr.store.ConfigKind;
import dev.mcr.store.ConfigStore;
import dev.mcr.store.ForeignDocument;
import dev.mcr.store.ObjectVersion;
import dev.mcr.store.ProfileCounters;
import dev.mcr.store.StoredConfig;
import dev.mcr.store.StoredObject;
import dev.mcr.model.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured objects in SQLite: one table per kind ({@code mcr_runners}, {@code mcr_groups}, {@code mcr_profiles},
 * {@code mcr_layout}, {@code mcr_extra}) with each object's current document, version and position, the history of
 * every object in {@code mcr_config_history}, and the original's {@code state} row rewritten by every commit.
 */
final class SqliteConfigStore implements ConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteConfigStore.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SqliteDb db;
    private final Clock clock;
    private final StateRow row;

    SqliteConfigStore(SqliteDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.row = new StateRow(db, clock);
    }

    static String table(ConfigKind kind) {
        switch (kind) {
            case RUNNER:
                return "mcr_runners";
            case GROUP:
                return "mcr_groups";
            case PROFILE:
                return "mcr_profiles";
            case LAYOUT:
                return "mcr_layout";
            default:
                return "mcr_extra";
        }
    }

    @Override
    public StoredConfig load() {
        return db.read("read the configuration", c -> {
            Map<String, ProfileCounters> counters = new LinkedHashMap<>();
            List<StoredObject> profiles = objects(c, ConfigKind.PROFILE, counters);
            List<StoredObject> runners = objects(c, ConfigKind.RUNNER, null);
            List<StoredObject> groups = objects(c, ConfigKind.GROUP, null);
            List<StoredObject> layout = objects(c, ConfigKind.LAYOUT, null);
            List<StoredObject> extra = objects(c, ConfigKind.EXTRA, null);
            return new StoredConfig(profiles, runners, groups, layout.isEmpty() ? null : layout.get(0),
                    extra.isEmpty() ? null : extra.get(0), counters);
        });
    }

    private List<StoredObject> objects(Connection c, ConfigKind kind, Map<String, ProfileCounters> counters)
            throws SQLException {
        boolean profiles = kind == ConfigKind.PROFILE;
        String sql = "SELECT id, version, json" + (profiles ? ", sent_count, failure_count" : "") + " FROM "
                + table(kind) + " ORDER BY position, id";
        List<StoredObject> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                String json = rs.getString(3);
                if (profiles) {
                    ProfileCounters pc = new ProfileCounters(id, Math.max(0, rs.getInt(4)), Math.max(0, rs.getInt(5)));
                    counters.put(id, pc);
                    json = withCounters(json, pc);
                }
                out.add(new StoredObject(kind, id, json, rs.getLong(2)));
            }
        }
        return out;
    }

    /** The profile document with the stored counters in place of its own (keys kept where they are). */
    private static String withCounters(String json, ProfileCounters pc) {
        JsonNode node = parse(json);
        if (!(node instanceof ObjectNode o)) {
            return json;
        }
        if (o.path("failure_count").asLong(-1) == pc.failures() && o.path("sent_count").asLong(-1) == pc.sent()) {
            return json;
        }
        o.put("failure_count", pc.failures());
        o.put("sent_count", pc.sent());
        return StateTrees.write(o);
    }

    @Override
    public List<CommittedChange> commit(List<ConfigChange> changes) {
        List<ConfigChange> copy = List.copyOf(changes);
        if (copy.isEmpty()) {
            return List.of();
        }
        return db.write("save the configuration", c -> {
            List<CommittedChange> out = apply(c, copy);
            row.write(c, document(c));
            return out;
        });
    }

    @Override
    public List<CommittedChange> adopt(List<ConfigChange> changes, ForeignDocument seen, String rewrite) {
        List<ConfigChange> copy = List.copyOf(changes);
        Objects.requireNonNull(seen, "seen");
        return db.write("take over the state written by another program", c -> {
            List<CommittedChange> out = apply(c, copy);
            if (rewrite != null) {
                row.write(c, rewrite);
            } else {
                row.acknowledge(c, seen.token());
            }
            return out;
        });
    }

    @Override
    public Optional<ForeignDocument> foreignDocument() {
        return db.read("read the state row", row::foreign);
    }

    @Override
    public List<ObjectVersion> history(ConfigKind kind, String id, int limit) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit + ".");
        }
        return db.read("read the history of a " + kind.json(), c -> {
            List<ObjectVersion> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT version, json, committed_at FROM mcr_config_history "
                    + "WHERE kind=? AND id=? ORDER BY version DESC LIMIT ?")) {
                ps.setString(1, kind.json());
                ps.setString(2, id);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant at = Timestamps.parse(rs.getString(3));
                        out.add(new ObjectVersion(kind, id, rs.getLong(1), rs.getString(2),
                                at == null ? Instant.EPOCH : at));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public int rewriteDocuments(DocumentRewrite rewrite) {
        Objects.requireNonNull(rewrite, "rewrite");
        return db.write("rewrite the stored documents", c -> {
            int changed = 0;
            for (ConfigKind kind : ConfigKind.values()) {
                String table = table(kind);
                Map<String, String> docs = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, json FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        docs.put(rs.getString(1), rs.getString(2));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET json=? WHERE id=?")) {
                    for (Map.Entry<String, String> e : docs.entrySet()) {
                        String next = rewrite.rewrite(kind, e.getKey(), true, e.getValue());
                        if (!e.getValue().equals(next)) {
                            ps.setString(1, Objects.requireNonNull(next, "rewritten document"));
                            ps.setString(2, e.getKey());
                            ps.executeUpdate();
                            changed++;
                        }
                    }
                }
            }
            List<ObjectVersion> earlier = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kind, id, version, json FROM mcr_config_history WHERE json IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    earlier.add(new ObjectVersion(ConfigKind.ofJson(rs.getString(1)), rs.getString(2), rs.getLong(3),
                            rs.getString(4), Instant.EPOCH));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mcr_config_history SET json=? WHERE kind=? AND id=? AND version=?")) {
                for (ObjectVersion v : earlier) {
                    String next = rewrite.rewrite(v.kind(), v.id(), false, v.json());
                    if (!v.json().equals(next)) {
                        ps.setString(1, Objects.requireNonNull(next, "rewritten document"));
                        ps.setString(2, v.kind().json());
                        ps.setString(3, v.id());
                        ps.setLong(4, v.version());
                        ps.executeUpdate();
                        changed++;
                    }
                }
            }
            if (changed > 0) {
                row.write(c, document(c));
            }
            return changed;
        });
    }

    @Override
    public boolean setCounters(String profileId, int sent, int failures) {
        Objects.requireNonNull(profileId, "profileId");
        ProfileCounters pc = new ProfileCounters(profileId, sent, failures);
        return db.write("save the counters of a notification profile", c -> {
            PreparedStatement ps = db.prepared(c, "UPDATE mcr_profiles SET sent_count=?, failure_count=? WHERE id=?");
            ps.setInt(1, pc.sent());
            ps.setInt(2, pc.failures());
            ps.setString(3, profileId);
            return ps.executeUpdate() == 1;
        });
    }

    // ------------------------------------------------------------------------------------------ commits

    private List<CommittedChange> apply(Connection c, List<ConfigChange> changes) throws SQLException {
        String now = Timestamps.format(clock.instant(), ZoneOffset.UTC);
        List<CommittedChange> out = new ArrayList<>();
        for (ConfigChange change : changes) {
            if (change instanceof ConfigChange.Put put) {
                out.add(put(c, put, now));
            } else if (change instanceof ConfigChange.Delete delete) {
                out.add(delete(c, delete, now));
            } else {
                order(c, (ConfigChange.Order) change);
            }
        }
        return out;
    }

    private CommittedChange put(Connection c, ConfigChange.Put p, String now) throws SQLException {
        long current = currentVersion(c, p.kind(), p.id());
        if (p.baseVersion() != current) {
            throw new VersionConflictException(p.kind().json(), p.id(), p.baseVersion(), current, null);
        }
        long version = Math.max(current, lastVersion(c, p.kind(), p.id())) + 1;
        String table = table(p.kind());
        if (current == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, position, version, json) "
                    + "VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM " + table + "), ?, ?)")) {
                ps.setString(1, p.id());
                ps.setLong(2, version);
                ps.setString(3, p.json());
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET version=?, json=? WHERE id=?")) {
                ps.setLong(1, version);
                ps.setString(2, p.json());
                ps.setString(3, p.id());
                ps.executeUpdate();
            }
        }
        if (p.kind() == ConfigKind.PROFILE) {
            JsonNode doc = parse(p.json());
            if (doc != null && (doc.has("sent_count") || doc.has("failure_count"))) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE mcr_profiles SET sent_count=?, failure_count=? WHERE id=?")) {
                    ps.setInt(1, counter(doc.get("sent_count")));
                    ps.setInt(2, counter(doc.get("failure_count")));
                    ps.setString(3, p.id());
                    ps.executeUpdate();
                }
            }
        }
        history(c, p.kind(), p.id(), version, p.json(), now);
        return new CommittedChange(p.kind(), p.id(), version, false);
    }

    private CommittedChange delete(Connection c, ConfigChange.Delete d, String now) throws SQLException {
        long current = currentVersion(c, d.kind(), d.id());
        if (current == 0 || d.baseVersion() != current) {
            throw new VersionConflictException(d.kind().json(), d.id(), d.baseVersion(), current, null);
        }
        long version = Math.max(current, lastVersion(c, d.kind(), d.id())) + 1;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(d.kind()) + " WHERE id=?")) {
            ps.setString(1, d.id());
            ps.executeUpdate();
        }
        history(c, d.kind(), d.id(), version, null, now);
        return new CommittedChange(d.kind(), d.id(), version, true);
    }

    private static void order(Connection c, ConfigChange.Order o) throws SQLException {
        String table = table(o.kind());
        List<String> existing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " ORDER BY position, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
        }
        Set<String> wanted = new LinkedHashSet<>();
        Set<String> present = new LinkedHashSet<>(existing);
        for (String id : o.ids()) {
            if (present.contains(id)) {
                wanted.add(id);
            }
        }
        wanted.addAll(existing);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET position=? WHERE id=?")) {
            int pos = 0;
            for (String id : wanted) {
                ps.setInt(1, pos++);
                ps.setString(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static long currentVersion(Connection c, ConfigKind kind, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + table(kind) + " WHERE id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long lastVersion(Connection c, ConfigKind kind, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM mcr_config_history WHERE kind=? AND id=?")) {
            ps.setString(1, kind.json());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void history(Connection c, ConfigKind kind, String id, long version, String json, String now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO mcr_config_history "
                + "(kind, id, version, json, committed_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, kind.json());
            ps.setString(2, id);
            ps.setLong(3, version);
            ps.setString(4, json);
            ps.setString(5, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM mcr_config_history WHERE kind=? AND id=? AND version <= ?")) {
            ps.setString(1, kind.json());
            ps.setString(2, id);
            ps.setLong(3, version - HISTORY_LIMIT);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------------------ the state row

    /**
     * The whole state as the original tool writes it: its four lists in its order, then the extra top-level keys; the
     * profiles with their current counters.
     */
    private String document(Connection c) throws SQLException {
        Map<String, ProfileCounters> counters = new LinkedHashMap<>();
        ObjectNode root = NODES.objectNode();
        ArrayNode profiles = root.putArray("notify_profiles");
        objects(c, ConfigKind.PROFILE, counters).forEach(o -> addParsed(profiles, o));
        ArrayNode runners = root.putArray("runners");
        objects(c, ConfigKind.RUNNER, null).forEach(o -> addParsed(runners, o));
        ArrayNode groups = root.putArray("runner_groups");
        objects(c, ConfigKind.GROUP, null).forEach(o -> addParsed(groups, o));
        List<StoredObject> layout = objects(c, ConfigKind.LAYOUT, null);
        JsonNode layoutDoc = layout.isEmpty() ? null : parse(layout.get(0).json());
        root.set("runner_layout", layoutDoc != null && layoutDoc.isArray() ? layoutDoc : NODES.arrayNode());
        List<StoredObject> extra = objects(c, ConfigKind.EXTRA, null);
        JsonNode extraDoc = extra.isEmpty() ? null : parse(extra.get(0).json());
        if (extraDoc instanceof ObjectNode e) {
            e.properties().forEach(f -> {
                if (!root.has(f.getKey())) {
                    root.set(f.getKey(), f.getValue());
                }
            });
        }
        return PythonJson.write(root);
    }

    private static void addParsed(ArrayNode list, StoredObject o) {
        JsonNode node = parse(o.json());
        if (node == null) {
            LOG.warn("The stored {} '{}' (version {}) is not JSON; it is left out of the state row.", o.kind().json(),
                    o.id(), o.version());
            return;
        }
        list.add(node);
    }

    private static JsonNode parse(String json) {
        try {
            return StateTrees.parse(json);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int counter(JsonNode n) {
        if (n == null || !n.canConvertToLong()) {
            return 0;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n.asLong()));
    }
}
