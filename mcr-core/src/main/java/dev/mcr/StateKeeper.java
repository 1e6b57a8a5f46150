package dev.mcr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.Reencryption;
import dev.mcr.crypto.SecretCodec;
import dev.mcr.crypto.SecretFields;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.error.ClosedException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.McrException;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.VersionConflictException;
import dev.mcr.event.McrEvent;
import dev.mcr.event.StateChanged;
import dev.mcr.json.JsonMerge;
import dev.mcr.json.PythonJson;
import dev.mcr.json.StateNormalizer;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.DemoState;
import dev.mcr.model.Ids;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.StateJson;
import dev.mcr.model.VersionedState;
import dev.mcr.model.Versions;
import dev.mcr.store.CommittedChange;
import dev.mcr.store.ConfigChange;
import dev.mcr.store.ConfigKind;
import dev.mcr.store.ConfigStore;
import dev.mcr.store.ForeignDocument;
import dev.mcr.store.ObjectVersion;
import dev.mcr.store.StoredConfig;
import dev.mcr.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of one {@link Mcr}: the state in memory with the versions of its objects, and every way of
 * changing it, each ending in one commit to the {@link ConfigStore}.
 *
 * <p>Every change is normalized as a whole state and then compared object by object with the state in memory; what
 * differs is committed as puts and deletes based on the versions in memory (the store refuses a stale base, so two
 * processes on one store never overwrite each other silently), and each committed change is published as a
 * {@link StateChanged}. Secrets are encrypted by the {@link SecretCodec} before a put and decrypted after a load; the
 * store sees tokens only. Counters of profiles are set in place, without a version.
 *
 * <p>The legacy full save of a client without versions (the original's {@code POST /api/state}) is planned object by
 * object: what the client did not send keeps its stored value ({@link JsonMerge}), and an object that matches an
 * earlier stored version of itself on what the client sent is a stale copy: the newer stored one is kept. A client
 * that sends back the {@code version} (or {@code layout_version}) it loaded, and that is the current one, has seen
 * the current object: what it sends is an edit, even a return to an earlier content.
 */
final class StateKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(StateKeeper.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Reserved in every object: a client may send it back, it is never stored. */
    static final String VERSION_KEY = "version";
    /** Reserved at the top of the state document. */
    static final String LAYOUT_VERSION_KEY = "layout_version";
    private static final String LAYOUT_KEY = "runner_layout";
    private static final Set<String> STATE_LISTS = Set.of("notify_profiles", "runners", "runner_groups", LAYOUT_KEY);
    private static final List<ConfigKind> LIST_KINDS = List.of(ConfigKind.PROFILE, ConfigKind.RUNNER,
            ConfigKind.GROUP);

    /** The state with the versions of its objects; replaced as a whole. */
    record Snap(AppState state, Versions versions, long extraVersion) {
    }

    private final ConfigStore store;
    private final SecretCodec codec;
    private final SecretFields secrets;
    private final java.util.function.BiConsumer<AppState, AppState> profileChecks;
    private final SaveLimits limits;
    private final Consumer<McrEvent> publish;
    private final BooleanSupplier closed;
    /** Guards every change; the snapshot itself can be read without it. */
    final Object lock = new Object();
    private volatile Snap snap = new Snap(AppState.EMPTY, Versions.NONE, 0);
    /** {@link #maskedBytes} of the state; guarded by lock. */
    private long stateBytes;
    private Consumer<AppState> listener = s -> {
    };
    private Path unreadableBackup;

    StateKeeper(ConfigStore store, SecretCodec codec, SaveLimits limits, Consumer<McrEvent> publish,
                BooleanSupplier closed) {
        this(store, codec, SecretFields.BY_NAME, (next, current) -> { }, limits, publish, closed);
    }

    /**
     * @param secrets       which profile config values are secrets (the channel declarations)
     * @param profileChecks refuses a new or changed profile its channel type does not accept (called with the
     *                      normalized state and the stored one; throws {@link dev.mcr.error.InvalidInputException})
     */
    StateKeeper(ConfigStore store, SecretCodec codec, SecretFields secrets,
                java.util.function.BiConsumer<AppState, AppState> profileChecks, SaveLimits limits,
                Consumer<McrEvent> publish, BooleanSupplier closed) {
        this.secrets = secrets;
        this.profileChecks = profileChecks;
        this.store = store;
        this.codec = codec;
        this.limits = limits;
        this.publish = publish;
        this.closed = closed;
    }

    // ------------------------------------------------------------------------------------------- start

    /**
     * Loads what the store holds, takes over a state document another program changed meanwhile, or seeds an empty
     * store.
     */
    void load(boolean seedDemo) {
        synchronized (lock) {
            StoredConfig cfg = store.load();
            snap = decode(cfg);
            stateBytes = maskedBytes(snap.state());
            Optional<ForeignDocument> foreign = store.foreignDocument();
            if (foreign.isPresent() && !foreign.get().readable()) {
                // Neither demo runners nor anything else are written over the row: it stays as it is until the user
                // saves, and its content is in the backup file.
                unreadableBackup = foreign.get().backup();
                LOG.error("mcr starts with {} because the stored state row is unreadable; its content is kept in {} "
                        + "(and in the row until the next save).", cfg.isEmpty() ? "an empty state"
                        : "the configuration it stored itself", unreadableBackup);
            } else if (foreign.isPresent()) {
                takeOver(foreign.get());
            } else if (cfg.isEmpty()) {
                commitState(seedDemo ? DemoState.seed() : AppState.EMPTY, false);
            }
        }
    }

    /**
     * Brings every stored secret under the cipher's first key in one store transaction (the current objects, their
     * earlier versions and the original's state row), without new versions: what the objects say stays the same.
     * A state row another program changed is taken over first, so that its changes are not lost.
     */
    KeyRotation rotateKeys(CredentialCipher cipher) {
        synchronized (lock) {
            ensureOpen();
            Optional<ForeignDocument> foreign = store.foreignDocument();
            if (foreign.isPresent() && foreign.get().readable()) {
                takeOver(foreign.get());
            }
            AppState state = snap.state();
            Reencryption r = new Reencryption(cipher);
            store.rewriteDocuments((kind, id, current, json) -> {
                JsonNode doc = parse(json);
                if (doc == null || !r.apply(doc, current ? owner(state, kind, id) : null)) {
                    return json;
                }
                return StateTrees.write(doc);
            });
            codec.forget();
            snap = decode(store.load());
            KeyRotation done = new KeyRotation(r.reencrypted(), r.current(), r.unreadable());
            LOG.info("Key rotation: {} secret(s) re-encrypted with the first key, {} already were, {} readable with "
                    + "no given key.", done.reencrypted(), done.current(), done.unreadable().size());
            return done;
        }
    }

    /** Who a stored document belongs to, for a report: its kind, name and id, never a value. */
    private static String owner(AppState state, ConfigKind kind, String id) {
        String name = switch (kind) {
            case RUNNER -> state.runners().stream().filter(x -> x.id().equals(id)).map(x -> x.name()).findFirst()
                    .orElse(null);
            case GROUP -> state.runnerGroups().stream().filter(x -> x.id().equals(id)).map(x -> x.name()).findFirst()
                    .orElse(null);
            case PROFILE -> state.notifyProfiles().stream().filter(x -> x.id().equals(id)).map(x -> x.name())
                    .findFirst().orElse(null);
            default -> null;
        };
        String what = kind == ConfigKind.PROFILE ? "service" : kind == ConfigKind.EXTRA ? "top-level keys" : kind.json();
        if (id.isEmpty()) {
            return what;
        }
        return name == null ? what + " " + id : what + " \"" + name + "\" (" + id + ")";
    }

    /** Sets who hears of every new state (the engine); called with the lock held. */
    void listen(Consumer<AppState> listener) {
        synchronized (lock) {
            this.listener = listener;
        }
    }

    Optional<Path> unreadableBackup() {
        return Optional.ofNullable(unreadableBackup);
    }

    AppState state() {
        return snap.state();
    }

    VersionedState versioned() {
        Snap s = snap;
        return new VersionedState(s.state(), s.versions());
    }

    private Snap decode(StoredConfig cfg) {
        ObjectNode doc = NODES.objectNode();
        ArrayNode profiles = doc.putArray("notify_profiles");
        for (StoredObject o : cfg.profiles()) {
            ObjectNode p = parseObject(o);
            if (p != null) {
                profiles.add(codec.decodeProfile(o.id(), p));
            }
        }
        ArrayNode runners = doc.putArray("runners");
        for (StoredObject o : cfg.runners()) {
            ObjectNode r = parseObject(o);
            if (r != null) {
                runners.add(codec.decodeRunner(o.id(), r));
            }
        }
        ArrayNode groups = doc.putArray("runner_groups");
        cfg.groups().forEach(o -> addIfObject(groups, o));
        JsonNode layout = cfg.layout() == null ? null : parse(cfg.layout().json());
        doc.set(LAYOUT_KEY, layout != null && layout.isArray() ? layout : NODES.arrayNode());
        ObjectNode extra = cfg.extra() == null ? null : parseObject(cfg.extra());
        if (extra != null) {
            codec.decodeExtra(extra).properties().forEach(e -> {
                if (!doc.has(e.getKey())) {
                    doc.set(e.getKey(), e.getValue());
                }
            });
        }
        AppState state = normalizeForStore(doc);
        Versions versions = new Versions(versionMap(cfg.runners()), versionMap(cfg.groups()),
                versionMap(cfg.profiles()), cfg.layout() == null ? 0 : cfg.layout().version());
        return new Snap(state, versions, cfg.extra() == null ? 0 : cfg.extra().version());
    }

    private static Map<String, Long> versionMap(List<StoredObject> objects) {
        Map<String, Long> out = new LinkedHashMap<>();
        objects.forEach(o -> out.put(o.id(), o.version()));
        return out;
    }

    private void addIfObject(ArrayNode list, StoredObject o) {
        ObjectNode node = parseObject(o);
        if (node != null) {
            list.add(node);
        }
    }

    private static ObjectNode parseObject(StoredObject o) {
        JsonNode node = parse(o.json());
        if (node instanceof ObjectNode obj) {
            return obj;
        }
        LOG.warn("The stored {} '{}' (version {}) is not a JSON object; it is left out.", o.kind().json(), o.id(),
                o.version());
        return null;
    }

    private static JsonNode parse(String json) {
        try {
            return StateTrees.parse(json);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Takes over a state row another program wrote since mcr last wrote it (the original tool, or mcr from before
     * versions): what it changed becomes new versions; the row itself is left as it is, except that plaintext
     * credentials in it are encrypted.
     */
    private void takeOver(ForeignDocument foreign) {
        ObjectNode raw = (ObjectNode) StateTrees.parse(foreign.json());
        int plaintext = codec.countPlaintext(raw);
        AppState next = normalizeForStore(codec.decodeState(raw));
        Snap cur = snap;
        List<ConfigChange> changes = diff(cur, next);
        String rewrite = plaintext > 0 ? PythonJson.write(codec.encryptPlaintext(raw)) : null;
        List<CommittedChange> done;
        try {
            done = store.adopt(changes, foreign, rewrite);
        } catch (VersionConflictException e) {
            throw e;
        } catch (McrException e) {
            if (rewrite == null) {
                throw e;
            }
            // Loading still works; the credentials stay in plaintext in the row until the next save rewrites it.
            LOG.warn("{} plaintext notification credential(s) in the stored state could not be encrypted yet: {}",
                    plaintext, e.getMessage());
            rewrite = null;
            done = store.adopt(changes, foreign, null);
        }
        adoptCounters(cur.state(), next, done);
        apply(cur, next, done, maskedBytes(next));
        if (!done.isEmpty()) {
            LOG.info("The stored state row was changed by another program since mcr last wrote it (the original "
                    + "tool, or mcr before versions): took over {}.", describe(done));
        }
        if (rewrite != null) {
            LOG.info("Migrated {} plaintext notification credential(s) in the stored state to encrypted storage.",
                    plaintext);
        }
    }

    /** Counters of profiles whose content did not change are set in place (a put carries its own). */
    private void adoptCounters(AppState before, AppState next, List<CommittedChange> done) {
        Set<String> put = new HashSet<>();
        done.stream().filter(d -> d.kind() == ConfigKind.PROFILE).forEach(d -> put.add(d.id()));
        for (NotifyProfile p : next.notifyProfiles()) {
            if (put.contains(p.id())) {
                continue;
            }
            before.profile(p.id()).ifPresent(old -> {
                if (old.sentCount() != p.sentCount() || old.failureCount() != p.failureCount()) {
                    store.setCounters(p.id(), p.sentCount(), p.failureCount());
                }
            });
        }
    }

    private static String describe(List<CommittedChange> done) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CommittedChange d : done) {
            String kind = d.kind() == ConfigKind.EXTRA ? "top-level key set" : d.kind().json();
            String what = kind + (d.deleted() ? " deletion" : " change");
            counts.merge(what, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((what, n) -> parts.add(n + " " + what + (n == 1 ? "" : "s")));
        return String.join(", ", parts);
    }

    // ------------------------------------------------------------------------------------------- commits

    /**
     * Normalizes a candidate state, checks the limits (for changes a client or caller asked for), commits what differs
     * from the state in memory and publishes it. The caller holds the lock.
     *
     * @return the new state (the current one when nothing differs)
     */
    AppState commitState(AppState candidate, boolean checkLimits) {
        return commitState(candidate, checkLimits, Set.of());
    }

    /**
     * Like {@link #commitState(AppState, boolean)}, replacing the ping tokens of the named heartbeat runners.
     *
     * @param regenerate runners whose ping token is replaced by a new one
     */
    AppState commitState(AppState candidate, boolean checkLimits, Set<String> regenerate) {
        ensureOpen();
        Snap cur = snap;
        // Before normalizing, so that an oversized state costs nothing; after, because normalizing may add entries.
        if (checkLimits) {
            limits.check(candidate, cur.state());
        }
        AppState next = HeartbeatTokens.assign(normalizeForStore(StateTrees.toJson(candidate)), cur.state(),
                regenerate);
        long bytes = maskedBytes(next);
        if (checkLimits) {
            limits.check(next, cur.state());
            limits.checkBytes(bytes, stateBytes);
            RunnerChecks.check(next, cur.state());
            profileChecks.accept(next, cur.state());
        }
        List<ConfigChange> changes = diff(cur, next);
        if (changes.isEmpty()) {
            return cur.state();
        }
        List<CommittedChange> done;
        try {
            done = store.commit(changes);
        } catch (VersionConflictException e) {
            throw reloadAfter(e);
        }
        apply(cur, next, done, bytes);
        return next;
    }

    /**
     * Another process changed the store since this one loaded it: its state becomes the state in memory, so that the
     * next attempt starts from it, and the conflict carries the object as it is stored now.
     */
    private VersionConflictException reloadAfter(VersionConflictException e) {
        Snap fresh = decode(store.load());
        snap = fresh;
        stateBytes = maskedBytes(fresh.state());
        listener.accept(fresh.state());
        LOG.warn("The stored configuration was changed by another process using the same store; reloaded it ({}).",
                e.getMessage());
        ConfigKind kind = ConfigKind.ofJson(e.kind());
        return e.withCurrentJson(kind == ConfigKind.EXTRA ? null : clientObjectJson(fresh, kind, e.id()));
    }

    private void apply(Snap cur, AppState next, List<CommittedChange> done, long bytes) {
        Map<String, Long> runners = new LinkedHashMap<>(cur.versions().runners());
        Map<String, Long> groups = new LinkedHashMap<>(cur.versions().groups());
        Map<String, Long> profiles = new LinkedHashMap<>(cur.versions().profiles());
        long layout = cur.versions().layout();
        long extra = cur.extraVersion();
        for (CommittedChange d : done) {
            switch (d.kind()) {
                case RUNNER -> set(runners, d);
                case GROUP -> set(groups, d);
                case PROFILE -> set(profiles, d);
                case LAYOUT -> layout = d.version();
                case EXTRA -> extra = d.version();
            }
        }
        snap = new Snap(next, new Versions(runners, groups, profiles, layout), extra);
        stateBytes = bytes;
        listener.accept(next);
        for (CommittedChange d : done) {
            if (d.kind() != ConfigKind.EXTRA) {
                publish.accept(new StateChanged(d.kind(), d.id(), d.version(), d.deleted()));
            }
        }
    }

    private static void set(Map<String, Long> versions, CommittedChange d) {
        if (d.deleted()) {
            versions.remove(d.id());
        } else {
            versions.put(d.id(), d.version());
        }
    }

    /** The puts, deletes and orders that turn the current state into the next one. */
    private List<ConfigChange> diff(Snap cur, AppState next) {
        ObjectNode curDoc = StateTrees.toJson(cur.state());
        ObjectNode nextDoc = StateTrees.toJson(next);
        List<ConfigChange> out = new ArrayList<>();
        for (ConfigKind kind : LIST_KINDS) {
            diffList(kind, (ArrayNode) curDoc.get(kind.stateKey()), (ArrayNode) nextDoc.get(kind.stateKey()),
                    versionsOf(cur.versions(), kind), out);
        }
        JsonNode layout = nextDoc.get(LAYOUT_KEY);
        if (cur.versions().layout() == 0 || !layout.equals(curDoc.get(LAYOUT_KEY))) {
            out.add(ConfigChange.put(ConfigKind.LAYOUT, ConfigKind.SINGLE_ID, StateTrees.write(layout),
                    cur.versions().layout()));
        }
        ObjectNode extra = extraOf(nextDoc);
        if (cur.extraVersion() == 0 || !extra.equals(extraOf(curDoc))) {
            out.add(ConfigChange.put(ConfigKind.EXTRA, ConfigKind.SINGLE_ID,
                    StateTrees.write(codec.encodeExtra(extra)), cur.extraVersion()));
        }
        return out;
    }

    private void diffList(ConfigKind kind, ArrayNode cur, ArrayNode next, Map<String, Long> versions,
                          List<ConfigChange> out) {
        Map<String, ObjectNode> curById = new LinkedHashMap<>();
        cur.forEach(o -> curById.put(o.get("id").asText(), (ObjectNode) o));
        List<String> nextIds = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (JsonNode n : next) {
            ObjectNode o = (ObjectNode) n;
            String id = o.get("id").asText();
            nextIds.add(id);
            ObjectNode old = curById.get(id);
            if (old == null) {
                added.add(id);
                out.add(ConfigChange.put(kind, id, encode(kind, id, o), 0));
            } else if (!sameContent(kind, old, o)) {
                out.add(ConfigChange.put(kind, id, encode(kind, id, o), versions.getOrDefault(id, 0L)));
            }
        }
        Set<String> remaining = new LinkedHashSet<>(nextIds);
        List<String> expected = new ArrayList<>();
        for (String id : curById.keySet()) {
            if (remaining.contains(id)) {
                expected.add(id);
            } else {
                out.add(ConfigChange.delete(kind, id, versions.getOrDefault(id, 0L)));
            }
        }
        expected.addAll(added);
        if (!expected.equals(nextIds)) {
            out.add(ConfigChange.order(kind, nextIds));
        }
    }

    private String encode(ConfigKind kind, String id, ObjectNode o) {
        return StateTrees.write(switch (kind) {
            case PROFILE -> codec.encodeProfile(id, o);
            case RUNNER -> codec.encodeRunner(id, o);
            default -> o;
        });
    }

    private static boolean sameContent(ConfigKind kind, ObjectNode a, ObjectNode b) {
        if (kind != ConfigKind.PROFILE) {
            return a.equals(b);
        }
        return withoutCounters(a).equals(withoutCounters(b));
    }

    private static ObjectNode withoutCounters(ObjectNode profile) {
        ObjectNode copy = profile.deepCopy();
        copy.remove("failure_count");
        copy.remove("sent_count");
        return copy;
    }

    private static ObjectNode extraOf(ObjectNode doc) {
        ObjectNode extra = NODES.objectNode();
        doc.properties().forEach(e -> {
            if (!STATE_LISTS.contains(e.getKey())) {
                extra.set(e.getKey(), e.getValue());
            }
        });
        return extra;
    }

    private static Map<String, Long> versionsOf(Versions v, ConfigKind kind) {
        switch (kind) {
            case RUNNER:
                return v.runners();
            case GROUP:
                return v.groups();
            default:
                return v.profiles();
        }
    }

    private static long version(Snap s, ConfigKind kind, String id) {
        switch (kind) {
            case LAYOUT:
                return s.versions().layout();
            case EXTRA:
                return s.extraVersion();
            default:
                return versionsOf(s.versions(), kind).getOrDefault(id, 0L);
        }
    }

    /** Removes the reserved keys a client may send back and normalizes. */
    private static AppState normalizeForStore(ObjectNode doc) {
        doc.remove(LAYOUT_VERSION_KEY);
        for (ConfigKind kind : LIST_KINDS) {
            JsonNode list = doc.get(kind.stateKey());
            if (list != null && list.isArray()) {
                list.forEach(o -> {
                    if (o instanceof ObjectNode obj) {
                        obj.remove(VERSION_KEY);
                    }
                });
            }
        }
        return StateNormalizer.normalize(doc);
    }

    private void ensureOpen() {
        if (closed.getAsBoolean()) {
            throw new ClosedException("This mcr instance is closed.");
        }
    }

    /** The size of a state as clients receive it (and send it back): compact JSON, secrets masked. */
    static long maskedBytes(AppState s) {
        return StateJson.write(SecretMasking.mask(s)).getBytes(StandardCharsets.UTF_8).length;
    }

    // ------------------------------------------------------------------------------- whole-state saves

    /**
     * A whole state from code: replaces what is stored (secrets masked as {@code __SECRET_SET__} keep their stored
     * values, counters stay server-owned).
     */
    void saveState(AppState incoming) {
        synchronized (lock) {
            commitState(SecretMasking.mergeIncoming(incoming, snap.state(), secrets), true);
        }
    }

    /** Plans a legacy save (see the class comment) and returns the state it would store; the caller holds the lock. */
    private AppState planLegacy(byte[] utf8) {
        JsonNode raw = StateTrees.parse(utf8);
        Snap cur = snap;
        // Counted before normalizing: a million entries are refused at once.
        limits.checkRaw(raw, cur.state());
        if (!(raw instanceof ObjectNode sent)) {
            return SecretMasking.mergeIncoming(StateNormalizer.normalize(raw), cur.state(), secrets);
        }
        ObjectNode curDoc = StateTrees.toJson(cur.state());
        ObjectNode next = NODES.objectNode();
        for (ConfigKind kind : LIST_KINDS) {
            JsonNode list = sent.get(kind.stateKey());
            if (list == null || list.isNull()) {
                // As in the original, whose request model defaults every list to []: all of them are deletions.
                next.putArray(kind.stateKey());
            } else if (list instanceof ArrayNode array) {
                next.set(kind.stateKey(), planList(kind, array, (ArrayNode) curDoc.get(kind.stateKey()), cur));
            } else {
                next.set(kind.stateKey(), list);
            }
        }
        JsonNode layout = sent.get(LAYOUT_KEY);
        if (layout == null || layout.isNull()) {
            next.set(LAYOUT_KEY, curDoc.get(LAYOUT_KEY));
        } else if (layout instanceof ArrayNode array) {
            boolean seenCurrent = sentVersion(sent.get(LAYOUT_VERSION_KEY)) == cur.versions().layout();
            next.set(LAYOUT_KEY, seenCurrent ? array : planLayout(array, (ArrayNode) curDoc.get(LAYOUT_KEY), cur));
        } else {
            next.set(LAYOUT_KEY, layout);
        }
        extraOf(curDoc).properties().forEach(e -> next.set(e.getKey(), e.getValue()));
        sent.properties().forEach(e -> {
            if (!STATE_LISTS.contains(e.getKey()) && !LAYOUT_VERSION_KEY.equals(e.getKey())) {
                next.set(e.getKey(), e.getValue());
            }
        });
        return SecretMasking.mergeIncoming(normalizeForStore(next), cur.state(), secrets);
    }

    /**
     * Plans a legacy save, lets the caller look at the planned state (and refuse it by throwing), then stores it, all
     * under the lock.
     */
    AppState saveLegacy(byte[] utf8, Consumer<AppState> check) {
        synchronized (lock) {
            ensureOpen();
            AppState planned = planLegacy(utf8);
            check.accept(planned);
            return commitState(planned, true);
        }
    }

    private ArrayNode planList(ConfigKind kind, ArrayNode sent, ArrayNode curList, Snap cur) {
        Map<String, ObjectNode> curById = new HashMap<>();
        curList.forEach(o -> curById.put(o.get("id").asText(), (ObjectNode) o));
        Map<String, Long> versions = versionsOf(cur.versions(), kind);
        ArrayNode out = NODES.arrayNode();
        for (JsonNode e : sent) {
            if (!(e instanceof ObjectNode obj)) {
                out.add(e);
                continue;
            }
            ObjectNode o = obj.deepCopy();
            long sentVersion = sentVersion(o.remove(VERSION_KEY));
            String id = idText(o.get("id"));
            ObjectNode stored = id == null ? null : curById.get(id);
            if (stored != null) {
                ObjectNode merged = (ObjectNode) JsonMerge.merge(stored, keepSecrets(kind, stored, o));
                long current = versions.getOrDefault(id, 0L);
                // A client that sends back the version it loaded (as GET /api/state gives it) and is based on the
                // current one has seen it: what it sends is an edit, even a return to an earlier content.
                boolean seenCurrent = sentVersion == current;
                if (canon(kind, merged).equals(canon(kind, stored))
                        || (!seenCurrent && matchesEarlierVersion(kind, id, o, current))) {
                    out.add(stored);
                } else {
                    out.add(merged);
                }
            } else if (Ids.isValid(id) && matchesEarlierVersion(kind, id, o, Long.MAX_VALUE)) {
                // A stale copy of a deleted object: it stays deleted.
                continue;
            } else {
                out.add(o);
            }
        }
        return out;
    }

    /** The version a client sent back with an object, or -1 when it sent none (the original client never does). */
    private static long sentVersion(JsonNode v) {
        return v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0 ? v.longValue() : -1;
    }

    /** Whether what the client sent equals, on the keys it sent, a stored version older than {@code below}. */
    private boolean matchesEarlierVersion(ConfigKind kind, String id, ObjectNode sent, long below) {
        for (ObjectVersion h : store.history(kind, id, ConfigStore.HISTORY_LIMIT)) {
            if (h.deleted() || h.version() >= below) {
                continue;
            }
            JsonNode node = parse(h.json());
            if (!(node instanceof ObjectNode stored)) {
                continue;
            }
            if (kind == ConfigKind.PROFILE) {
                stored = codec.decodeProfile(id, stored);
            } else if (kind == ConfigKind.RUNNER) {
                stored = codec.decodeRunner(id, stored);
            }
            JsonNode merged = JsonMerge.merge(stored, keepSecrets(kind, stored, sent));
            if (canon(kind, (ObjectNode) merged).equals(canon(kind, stored))) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode keepSecrets(ConfigKind kind, ObjectNode stored, ObjectNode sent) {
        switch (kind) {
            case PROFILE:
                return SecretMasking.keepMaskedSecrets(stored, sent, secrets);
            case RUNNER:
                return SecretMasking.keepMaskedEnv(stored, sent);
            default:
                return sent;
        }
    }

    /**
     * An object normalized on its own, for comparisons: the ids it refers to are taken as existing, the counters of a
     * profile are left out.
     */
    private static JsonNode canon(ConfigKind kind, ObjectNode obj) {
        ObjectNode o = obj.deepCopy();
        o.remove(VERSION_KEY);
        ObjectNode doc = NODES.objectNode();
        switch (kind) {
            case RUNNER -> {
                ArrayNode profiles = doc.putArray("notify_profiles");
                refs(o, "notify_profile_ids", "notify_profile_updates_only")
                        .forEach(id -> profiles.addObject().put("id", id));
                doc.putArray("runners").add(o);
            }
            case GROUP -> {
                ArrayNode runners = doc.putArray("runners");
                refs(o, "runner_ids", "disabled_runner_ids").forEach(id -> runners.addObject().put("id", id));
                doc.putArray("runner_groups").add(o);
            }
            default -> doc.putArray("notify_profiles").add(o);
        }
        ObjectNode normalized = StateTrees.toJson(StateNormalizer.normalize(doc));
        JsonNode list = normalized.get(kind.stateKey());
        if (list.isEmpty()) {
            return NODES.nullNode();
        }
        JsonNode result = list.get(0);
        return kind == ConfigKind.PROFILE ? withoutCounters((ObjectNode) result) : result;
    }

    private static Set<String> refs(ObjectNode o, String... keys) {
        Set<String> out = new LinkedHashSet<>();
        for (String key : keys) {
            JsonNode list = o.get(key);
            if (list != null && list.isArray()) {
                list.forEach(v -> {
                    String id = idText(v);
                    if (Ids.isValid(id)) {
                        out.add(id);
                    }
                });
            }
        }
        return out;
    }

    private List<String> layoutItems(JsonNode layout) {
        List<String> out = new ArrayList<>();
        if (layout == null || !layout.isArray()) {
            return out;
        }
        for (JsonNode item : layout) {
            if (item.isObject()) {
                JsonNode type = item.get("type");
                JsonNode id = item.get("id");
                out.add((type == null ? "" : type.asText().strip().toLowerCase(Locale.ROOT)) + "\u0000"
                        + (id == null ? "" : id.asText().strip()));
            }
        }
        return out;
    }

    private JsonNode planLayout(ArrayNode sent, ArrayNode curLayout, Snap cur) {
        List<String> items = layoutItems(sent);
        if (items.equals(layoutItems(curLayout))) {
            return curLayout;
        }
        for (ObjectVersion h : store.history(ConfigKind.LAYOUT, ConfigKind.SINGLE_ID, ConfigStore.HISTORY_LIMIT)) {
            if (!h.deleted() && h.version() < cur.versions().layout() && items.equals(layoutItems(parse(h.json())))) {
                return curLayout;
            }
        }
        return sent;
    }

    private static String idText(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue().strip();
        }
        return n.isIntegralNumber() ? n.asText() : null;
    }

    // ---------------------------------------------------------------------------- one object at a time

    /**
     * Creates or changes one object.
     *
     * @param kind  runner, group or profile
     * @param id    the id; for a create {@code null} or invalid gets a new one
     * @param sent  the object
     * @param base  0 to create, else the version the change is based on
     * @param merge whether keys the object lacks keep their stored values (JSON clients) or not (records)
     * @return the object's id
     */
    String put(ConfigKind kind, String id, ObjectNode sent, long base, boolean merge) {
        synchronized (lock) {
            ensureOpen();
            Snap cur = snap;
            ObjectNode o = sent.deepCopy();
            o.remove(VERSION_KEY);
            if (base == 0 && !Ids.isValid(id)) {
                id = Ids.newId(prefix(kind));
            }
            long current = version(cur, kind, id);
            checkBase(cur, kind, id, base, current);
            o.put("id", id);
            ObjectNode doc = StateTrees.toJson(cur.state());
            ArrayNode list = (ArrayNode) doc.get(kind.stateKey());
            ObjectNode result = o;
            if (base == 0) {
                list.add(o);
            } else {
                for (int i = 0; i < list.size(); i++) {
                    ObjectNode stored = (ObjectNode) list.get(i);
                    if (stored.get("id").asText().equals(id)) {
                        ObjectNode kept = keepSecrets(kind, stored, o);
                        result = merge ? (ObjectNode) JsonMerge.merge(stored, kept) : kept;
                        list.set(i, result);
                    }
                }
            }
            if (kind == ConfigKind.GROUP) {
                leaveOtherGroups(list, id, result);
            }
            commitState(SecretMasking.mergeIncoming(normalizeForStore(doc), cur.state(), secrets), true);
            return id;
        }
    }

    /** A runner belongs to at most one group: the members of the changed group leave every other group. */
    private static void leaveOtherGroups(ArrayNode groups, String id, ObjectNode group) {
        Set<String> members = refs(group, "runner_ids");
        for (JsonNode g : groups) {
            if (g == group || !(g instanceof ObjectNode other) || id.equals(idText(other.get("id")))) {
                continue;
            }
            for (String key : List.of("runner_ids", "disabled_runner_ids")) {
                JsonNode ids = other.get(key);
                if (ids instanceof ArrayNode array) {
                    ArrayNode kept = NODES.arrayNode();
                    array.forEach(v -> {
                        if (!members.contains(idText(v))) {
                            kept.add(v);
                        }
                    });
                    other.set(key, kept);
                }
            }
        }
    }

    /** Deletes one object; returns the version of its tombstone. */
    long delete(ConfigKind kind, String id, long base) {
        synchronized (lock) {
            ensureOpen();
            Snap cur = snap;
            long current = version(cur, kind, id);
            if (current == 0) {
                checkBase(cur, kind, id, base == 0 ? 1 : base, 0);
            }
            checkBase(cur, kind, id, base, current);
            ObjectNode doc = StateTrees.toJson(cur.state());
            ArrayNode list = (ArrayNode) doc.get(kind.stateKey());
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i).get("id").asText().equals(id)) {
                    list.remove(i);
                }
            }
            commitState(SecretMasking.mergeIncoming(normalizeForStore(doc), cur.state(), secrets), true);
            List<ObjectVersion> last = store.history(kind, id, 1);
            return last.isEmpty() ? 0 : last.get(0).version();
        }
    }

    /**
     * Gives a heartbeat runner a new ping token (the old one stops working with this commit).
     *
     * @param id the runner
     * @return the new token, or empty when no heartbeat runner has this id
     */
    Optional<String> regenerateHeartbeatToken(String id) {
        synchronized (lock) {
            ensureOpen();
            AppState cur = snap.state();
            if (cur.runners().stream().noneMatch(r -> r.id().equals(id) && r.isHeartbeat())) {
                return Optional.empty();
            }
            AppState next = commitState(cur, false, Set.of(id));
            return next.runners().stream().filter(r -> r.id().equals(id)).findFirst()
                    .map(r -> r.heartbeat().pingToken());
        }
    }

    /** Puts the listed profiles first, in this order, then the others; an order changes no version. */
    List<String> orderProfiles(List<String> ids) {
        synchronized (lock) {
            ensureOpen();
            AppState cur = snap.state();
            Map<String, NotifyProfile> rest = new LinkedHashMap<>();
            cur.notifyProfiles().forEach(p -> rest.put(p.id(), p));
            List<NotifyProfile> ordered = new ArrayList<>();
            for (String id : ids) {
                NotifyProfile p = rest.remove(id);
                if (p != null) {
                    ordered.add(p);
                }
            }
            ordered.addAll(rest.values());
            AppState next = commitState(cur.withNotifyProfiles(ordered), false);
            return next.notifyProfiles().stream().map(NotifyProfile::id).toList();
        }
    }

    /** Replaces the layout. */
    void putLayout(JsonNode items, long base) {
        synchronized (lock) {
            ensureOpen();
            Snap cur = snap;
            checkBase(cur, ConfigKind.LAYOUT, ConfigKind.SINGLE_ID, base, cur.versions().layout());
            ObjectNode doc = StateTrees.toJson(cur.state());
            doc.set(LAYOUT_KEY, items.deepCopy());
            commitState(normalizeForStore(doc), true);
        }
    }

    private void checkBase(Snap cur, ConfigKind kind, String id, long base, long current) {
        if (base == current) {
            return;
        }
        if (base != 0 && current == 0 && store.history(kind, id, 1).isEmpty()) {
            throw notFound(kind, id);
        }
        throw new VersionConflictException(kind.json(), id, base, current,
                current == 0 ? null : clientObjectJson(cur, kind, id));
    }

    static McrException notFound(ConfigKind kind, String id) {
        switch (kind) {
            case RUNNER:
                return new RunnerNotFoundException(id);
            case GROUP:
                return new GroupNotFoundException(id);
            case PROFILE:
                return new ProfileNotFoundException(id);
            default:
                return new InvalidInputException("There is no " + kind.json() + " with the id '" + id + "'.");
        }
    }

    private static String prefix(ConfigKind kind) {
        switch (kind) {
            case RUNNER:
                return Ids.RUNNER;
            case GROUP:
                return Ids.GROUP;
            default:
                return Ids.NOTIFY;
        }
    }

    /**
     * Applies a change of a profile made by the notification worker: counters alone are set in place (no version, no
     * rewrite of anything else); anything more (the profile disabled after failures) is a commit like any other.
     */
    Optional<NotifyProfile> updateProfile(String profileId, UnaryOperator<NotifyProfile> change) {
        synchronized (lock) {
            if (closed.getAsBoolean()) {
                return Optional.empty();
            }
            Snap cur = snap;
            Optional<NotifyProfile> found = cur.state().profile(profileId);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            NotifyProfile old = found.get();
            NotifyProfile updated = change.apply(old);
            if (updated.withCounters(updated.active(), old.failureCount(), old.sentCount()).equals(old)) {
                if (updated.equals(old)) {
                    return Optional.of(old);
                }
                store.setCounters(profileId, updated.sentCount(), updated.failureCount());
                List<NotifyProfile> profiles = new ArrayList<>(cur.state().notifyProfiles());
                profiles.replaceAll(p -> p.id().equals(profileId) ? updated : p);
                long delta = digits(updated.sentCount()) + digits(updated.failureCount())
                        - digits(old.sentCount()) - digits(old.failureCount());
                snap = new Snap(cur.state().withNotifyProfiles(profiles), cur.versions(), cur.extraVersion());
                stateBytes += delta;
                return Optional.of(updated);
            }
            List<NotifyProfile> profiles = new ArrayList<>(cur.state().notifyProfiles());
            profiles.replaceAll(p -> p.id().equals(profileId) ? updated : p);
            AppState saved = commitState(cur.state().withNotifyProfiles(profiles), false);
            return saved.profile(profileId);
        }
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }

    // --------------------------------------------------------------------------------- client JSON

    /** The state as clients get it: secrets masked, each runner, group and profile with its version. */
    String clientStateJson() {
        Snap s = snap;
        ObjectNode doc = StateTrees.toJson(SecretMasking.mask(s.state(), secrets));
        for (ConfigKind kind : LIST_KINDS) {
            Map<String, Long> versions = versionsOf(s.versions(), kind);
            doc.get(kind.stateKey()).forEach(o -> ((ObjectNode) o).put(VERSION_KEY,
                    versions.getOrDefault(o.get("id").asText(), 0L)));
        }
        doc.put(LAYOUT_VERSION_KEY, s.versions().layout());
        return StateTrees.write(doc);
    }

    /** One object as clients get it. */
    String clientObjectJson(ConfigKind kind, String id) {
        Snap s = snap;
        String json = clientObjectJson(s, kind, id);
        if (json == null) {
            throw notFound(kind, id);
        }
        return json;
    }

    private String clientObjectJson(Snap s, ConfigKind kind, String id) {
        AppState st = s.state();
        if (kind == ConfigKind.LAYOUT) {
            ObjectNode o = NODES.objectNode();
            o.set(LAYOUT_KEY, StateTrees.toJson(st).get(LAYOUT_KEY));
            o.put(VERSION_KEY, s.versions().layout());
            return StateTrees.write(o);
        }
        AppState one;
        switch (kind) {
            case RUNNER -> one = st.runner(id).map(r -> new AppState(List.of(), List.of(r), List.of(), List.of(),
                    Map.of())).orElse(null);
            case GROUP -> one = st.group(id).map(g -> new AppState(List.of(), List.of(), List.of(g), List.of(),
                    Map.of())).orElse(null);
            case PROFILE -> one = st.profile(id).map(p -> new AppState(List.of(p), List.of(), List.of(), List.of(),
                    Map.of())).orElse(null);
            default -> one = null;
        }
        if (one == null) {
            return null;
        }
        ObjectNode o = (ObjectNode) StateTrees.toJson(SecretMasking.mask(one, secrets)).get(kind.stateKey()).get(0);
        o.put(VERSION_KEY, version(s, kind, id));
        return StateTrees.write(o);
    }
}
