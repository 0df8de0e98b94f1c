package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.audit.Checkpoint;
import dev.incidentgateway.audit.CheckpointFile;
import dev.incidentgateway.audit.CheckpointKeys;
import dev.incidentgateway.audit.CheckpointSigner;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.VerifyCommand;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keyed audit chain against a database admin: rows rewritten with recomputed unkeyed hashes, a whole incident
 * deleted, the newest events deleted, forged checkpoints, and the upgrade of a store from before keyed hashing. Each
 * test has its own store (a tampered log stays tampered). On PostgreSQL the admin disables the append-only triggers.
 */
abstract class AuditChainContract {
    TestStore testStore;
    GatewayConfig config;
    HikariDataSource dataSource;
    SqlDialect dialect;
    AuditModule audit;
    TimelineStore store;
    AuditTampering admin;

    abstract TestStore.Kind kind();

    @BeforeEach
    void openStore() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind());
        config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        dialect = SqlDialect.forUrl(config.get(GatewayConfig.DB_URL));
        admin = new AuditTampering(dataSource, dialect);
    }

    /** Starts the current gateway code on the store (key check, checkpointer, writer), as an upgrade does. */
    void startGateway() {
        audit = AuditModule.create(config, dataSource);
        store = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 64, 1000, new SimpleMeterRegistry(),
                audit.chainKey(), List.of());
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (testStore != null) {
            testStore.close();
        }
    }

    record Run(int exit, String output) {
    }

    Run verify(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new VerifyCommand().run(new StoreCommand.Context(dataSource, config, dialect), List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    static NewEvent declare(String id) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("Checkout failing").severity(Severity.SEV2).build();
    }

    static NewEvent note(String id, String text) {
        return NewEvent.builder(EventType.NOTE, "bob").incident(id).content(text).build().withPrincipal("key:ops");
    }

    /** Three incidents, interleaved, four events each. */
    void appendWorkload() {
        for (String id : List.of("A-1", "B-1", "C-1")) {
            store.append(declare(id));
        }
        for (int i = 0; i < 3; i++) {
            for (String id : List.of("A-1", "B-1", "C-1")) {
                store.append(note(id, "update " + i));
            }
        }
    }

    Checkpoint checkpoint() throws Exception {
        return audit.checkpointer().checkpointIfMoved().orElseThrow();
    }

    @Test
    void anUntouchedLogVerifiesWithItsCheckpoint() throws Exception {
        startGateway();
        appendWorkload();
        checkpoint();
        assertThat(audit.checkpointer().checkpointIfMoved()).as("head did not move: no new checkpoint").isEmpty();
        TimelineEvent first = store.timeline("A-1", null, 1).get(0);
        assertThat(first.hash()).as("keyed, not the old formula").isNotEqualTo(EventHasher.legacyHash(first.prevHash(), first));

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("OK: 3 incidents, 12 events").contains("1 signed checkpoint");
    }

    @Test
    void aRowRewrittenWithRecomputedUnkeyedHashesIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        TimelineEvent target = store.timeline("B-1", null, 10).get(1);
        admin.rewriteWithUnkeyedHashes("B-1", target.seq(), "nothing happened here", false);

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("incident B-1 at seq 2").contains("hash does not match");
        assertThat(store.verifier().verify("B-1").intact()).isFalse();
    }

    @Test
    void aRowRewrittenAsIfWrittenBeforeTheUpgradeIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        admin.rewriteWithUnkeyedHashes("C-1", 1, null, true); // global hashes of C-1 cleared: "legacy" rows

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("has no global hash after the keyed chain began");
    }

    @Test
    void aWholeIncidentDeletedIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        admin.deleteIncident("B-1");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("the global chain breaks here");
    }

    @Test
    void anEventRemovedFromAnIncidentIsNamedForWhatTheViewSaysOfIt() throws Exception {
        startGateway();
        appendWorkload(); // every incident has seq 1..4
        admin.asAdmin(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                // B-1: its last event deleted, the view left as it was; C-1: the same, and the view's seq rewound to 3
                // as an admin covering the cut would (the head's hash is still the deleted event's)
                st.executeUpdate("DELETE FROM timeline_events WHERE incident_id IN ('B-1', 'C-1') AND seq = 4");
                st.executeUpdate("UPDATE incidents SET last_seq = 3 WHERE id = 'C-1'");
            }
        });
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("the log ends at seq 3 but the incident's view says its last event is seq 4 (events removed)")
                .contains("the hash the incident's view holds for its last event (seq 3) is not that event's")
                .doesNotContain("(seq 3) is not in the log");
    }

    @Test
    void theNewestEventsDeletedAreDetectedAgainstTheCheckpoint() throws Exception {
        startGateway();
        appendWorkload();
        store.append(declare("D-1"));
        store.append(note("D-1", "the evidence"));
        Checkpoint cp = checkpoint();
        admin.deleteIncident("D-1");
        admin.deleteNewestEvents(2); // and C-1 and A-1 lose their last note; views rebuilt to match
        new ViewRebuilder(dataSource, dialect).rebuild();

        Run chainsOnly = verifyWithout(config.get(GatewayConfig.CHECKPOINT_FILE));
        assertThat(chainsOnly.exit()).as("the chains alone cannot see a cut tail: " + chainsOnly.output()).isZero();
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("its last event " + cp.lastEventId() + " is not in the log");

        // The gateway's next checkpoint (timer, or its stop) must not sign what is left: as the file's latest it would be
        // the one verify checks, and the removal would pass (before: OK after one restart).
        assertThat(audit.checkpointer().checkpointIfMoved()).isEmpty();
        assertThat(audit.checkpointer().latest()).contains(cp);
        store.append(note("A-1", "after the removal")); // the head moves on: still nothing signed over the cut log
        assertThat(audit.checkpointer().checkpointIfMoved()).isEmpty();
        Run later = verify();
        assertThat(later.exit()).as(later.output()).isEqualTo(1);
        assertThat(later.output()).contains("its last event " + cp.lastEventId() + " is not in the log");
    }

    @Test
    void eventsRemovedBeforeTheLastCheckpointedOneStopTheCheckpointsAfterARestart() throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint cp = checkpoint();
        admin.deleteIncident("B-1"); // older events: the checkpoint's own last event is still there, with its global hash
        store.append(note("A-1", "after the removal"));
        // As after a restart: a checkpointer that reads the file and counts the log from its start.
        dev.incidentgateway.audit.Checkpointer restarted = new dev.incidentgateway.audit.Checkpointer(dataSource,
                audit.checkpointer().signer(), Path.of(config.get(GatewayConfig.CHECKPOINT_FILE)), java.time.Clock.systemUTC());
        assertThat(restarted.checkpointIfMoved()).as("fewer events than the last checkpoint counted").isEmpty();
        assertThat(restarted.latest()).contains(cp);
        Run run = verify();
        assertThat(run.exit()).as("the global chain shows the gap too: " + run.output()).isEqualTo(1);
    }

    /** verify with the default checkpoint file moved away. */
    Run verifyWithout(String checkpointFile) throws Exception {
        Path file = Path.of(checkpointFile);
        Path aside = file.resolveSibling("aside.jsonl");
        Files.move(file, aside);
        try {
            return verify();
        } finally {
            Files.move(aside, file);
        }
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRefused(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint real = checkpoint();
        CheckpointSigner stranger = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.toString()), Map.of()));
        Path forged = dir.resolve("forged.jsonl");
        CheckpointFile.append(forged, stranger.sign(real.lastEventId(), real.count(), real.headHash(), real.time()));

        Run run = verify("--checkpoint", forged.toString());
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("signature is not valid for the gateway's public key");
    }

    @Test
    void aCopiedCheckpointFileOrEndpointBodyVerifiesWithTheKeepersPublicKey(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        checkpoint();
        store.append(note("A-1", "later"));
        Checkpoint second = checkpoint();
        Path copy = Files.copy(Path.of(config.get(GatewayConfig.CHECKPOINT_FILE)), dir.resolve("kept.jsonl"));
        store.append(note("C-1", "after the last checkpoint")); // a log that only grew still holds

        Run run = verify("--checkpoint", copy.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("2 signed checkpoints");

        Path body = dir.resolve("endpoint.json");
        Files.writeString(body, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(second.toJson()));
        Path publicKey = dir.resolve("gateway.pub");
        Files.writeString(publicKey, audit.checkpointer().signer().publicKeyPem());
        Run kept = verify("--checkpoint", body.toString(), "--public-key", publicKey.toString());
        assertThat(kept.exit()).as(kept.output()).isZero();
        assertThat(kept.output()).contains("1 signed checkpoint");
    }

    @Test
    void checkpointsOfInstancesWithKeysOfTheirOwnVerifyWithEachOnesPublicKey(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint ours = checkpoint();
        // A second instance on the same database signs with a key of its own (default: its own keys directory).
        CheckpointSigner other = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("b").toString()), Map.of()));
        Path kept = dir.resolve("kept.jsonl");
        CheckpointFile.append(kept, ours);
        CheckpointFile.append(kept, other.sign(ours.lastEventId(), ours.count(), ours.headHash(), ours.time()));
        Path ourKey = Files.writeString(dir.resolve("a.pub"), audit.checkpointer().signer().publicKeyPem());
        Path otherKey = Files.writeString(dir.resolve("b.pub"), other.publicKeyPem());

        Run both = verify("--checkpoint", kept.toString(), "--public-key", ourKey.toString(), "--public-key", otherKey.toString());
        assertThat(both.exit()).as(both.output()).isZero();
        assertThat(both.output()).contains("2 signed checkpoints");
        Run oneKey = verify("--checkpoint", kept.toString(), "--public-key", ourKey.toString());
        assertThat(oneKey.exit()).as("the other instance's checkpoint proves nothing without its key: " + oneKey.output()).isEqualTo(1);
    }

    /**
     * README "Rotating": after a checkpoint key change the file holds checkpoints of the old key and of the current one;
     * {@code --public-key old.pub} adds the old key to the gateway's own, which is always accepted (it replaced it
     * before, and the current key's checkpoints were then BROKEN).
     */
    @Test
    void aGivenPublicKeyAddsToTheGatewaysOwnAfterARotation(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint current = checkpoint();
        CheckpointSigner old = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("old").toString()), Map.of()));
        Path kept = dir.resolve("kept.jsonl");
        CheckpointFile.append(kept, old.sign(current.lastEventId(), current.count(), current.headHash(), current.time()));
        CheckpointFile.append(kept, current);
        Path oldKey = Files.writeString(dir.resolve("old.pub"), old.publicKeyPem());

        Run rotated = verify("--checkpoint", kept.toString(), "--public-key", oldKey.toString());
        assertThat(rotated.exit()).as(rotated.output()).isZero();
        assertThat(rotated.output()).contains("2 signed checkpoints");
    }

    @Test
    void aStoreFromBeforeKeyedHashingUpgradesInPlaceAndItsEventsStaySealed() throws Exception {
        LegacyWriter legacy = new LegacyWriter(dataSource);
        legacy.incident("OLD-1", 3);
        legacy.incident("OLD-2", 2);
        Run before = verify();
        assertThat(before.exit()).as("a legacy store verifies without a key: " + before.output()).isZero();

        startGateway();
        store.append(note("OLD-1", "after the upgrade"));
        store.append(declare("NEW-1"));
        checkpoint();
        Run upgraded = verify();
        assertThat(upgraded.exit()).as(upgraded.output()).isZero();
        assertThat(upgraded.output()).contains("OK: 3 incidents, 7 events").contains("5 events from before keyed hashing");

        admin.rewriteWithUnkeyedHashes("OLD-2", 2, "rewritten after the upgrade", false);
        assertThat(store.verifier().verify("OLD-2").intact()).as("alone, an unkeyed chain can be recomputed").isTrue();
        Run tampered = verify();
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("events from before the upgrade were changed, removed or added");
    }

    @Test
    void twoInstancesAppendingAtOnceKeepOneGlobalChain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dialect == SqlDialect.POSTGRESQL, "one writer per H2 store");
        startGateway();
        store.append(declare("A-1"));
        store.append(declare("B-1"));
        try (TimelineStore other = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 64, 1000, new SimpleMeterRegistry(),
                audit.chainKey(), List.of())) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    TimelineStore s = i % 2 == 0 ? store : other;
                    String id = i % 3 == 0 ? "A-1" : "B-1";
                    int n = i;
                    done.add(pool.submit(() -> s.append(note(id, "n" + n))));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        checkpoint();
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("202 events");
    }

    @Test
    void aGatewayWithAnotherChainKeyRefusesToStart() throws SQLException {
        startGateway();
        String other = "ab".repeat(32);
        GatewayConfig wrong = testStore.config(Map.of("GATEWAY_CHAIN_KEY", other));
        assertThatThrownBy(() -> ChainKeys.forGateway(wrong, dataSource)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEWAY_CHAIN_KEY").hasMessageContaining("share one chain key").hasMessageNotContaining(other);
        GatewayConfig none = testStore.config(Map.of("GATEWAY_CHAIN_KEY", ""));
        assertThatThrownBy(() -> ChainKeys.forGateway(none, dataSource)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("restore");
        assertThat(ChainKeys.matchesStore(testStore.chainKey(), dataSource)).isTrue();
    }

    /** A-1 acknowledged with a commander, B-1 and C-1 declared with notes: the views a tampering test changes. */
    void appendWorkloadWithAckAndCommander() {
        appendWorkload();
        store.append(NewEvent.builder(EventType.ACK, "bob").incident("A-1").build());
        store.append(NewEvent.builder(EventType.ROLE_ASSIGN, "bob").incident("A-1")
                .data(data().put("role", "commander").put("assignee", "carol")).build());
    }

    void asAdmin(String... statements) throws SQLException {
        admin.asAdmin(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.executeUpdate(sql);
                }
            }
        });
    }

    /** The runtime role may UPDATE incidents on PostgreSQL (the writer keeps the view), so only verify can tell. */
    @Test
    void everyViewColumnChangedBehindTheGatewayIsNamedAgainstItsLog() throws Exception {
        startGateway();
        appendWorkloadWithAckAndCommander();
        TimelineEvent declareOfB = store.timeline("B-1", null, 1).get(0);
        asAdmin("UPDATE incidents SET status = 'closed', severity = 'sev4', title = 'benign', commander = 'mallory' WHERE id = 'A-1'",
                "UPDATE incidents SET declared_at = declared_at + INTERVAL '1' HOUR, acknowledged_at = declared_at WHERE id = 'B-1'");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("incident A-1 at seq 6")
                .contains("view status is 'closed', its log gives 'acknowledged'")
                .contains("view severity is 'sev4', its log gives 'sev2'")
                .contains("view title is 'benign', its log gives 'Checkout failing'")
                .contains("view commander is 'mallory', its log gives 'carol'")
                .contains("incident B-1 at seq 4").contains("view declared_at is '" + declareOfB.eventTime().plusSeconds(3600)
                        + "', its log gives '" + declareOfB.eventTime() + "'")
                .contains("view acknowledged_at is '" + declareOfB.eventTime() + "', its log gives none (NULL)") // SET reads the old row
                .contains("incident_status_counts says 1 incidents are 'acknowledged', the incidents view has 0")
                .doesNotContain("incident C-1");
        ChainVerifier.Report one = store.verifier().verify("A-1");
        assertThat(one.intact()).isFalse();
        assertThat(one.broken()).extracting(ChainVerifier.BrokenLink::reason).hasSize(4)
                .contains("view status is 'closed', its log gives 'acknowledged'");
        assertThat(store.verifier().verify("C-1").intact()).isTrue();

        new ViewRebuilder(dataSource, dialect).rebuild(); // the repair: the views (and counts) the log gives
        Run repaired = verify();
        assertThat(repaired.exit()).as(repaired.output()).isZero();
    }

    @Test
    void aViewRowDeletedOrMadeUpAndChangedStatusCountsAreDetected() throws Exception {
        startGateway();
        appendWorkload();
        Incident madeUp = new Incident("Z-9", "made up", Severity.SEV1, IncidentStatus.DECLARED, null, java.time.Instant.now(),
                null, null, null, null, "01J00000000000000000000000", 1, "ab".repeat(32), 0);
        admin.asAdmin(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                TimelineRows.bindIncident(ps, madeUp);
                ps.executeUpdate();
            }
        });
        asAdmin("DELETE FROM incidents WHERE id = 'C-1'", "UPDATE incident_status_counts SET incidents = 7 WHERE status = 'closed'");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("incident C-1 at seq 4 (event " + store.timeline("C-1", null, 10).get(3).id()
                        + "): the log has 4 events of this incident and the incidents view has no row for it")
                .contains("incident Z-9 at seq 1: the incident's view says its last event is seq 1 but none of its events is in the log")
                .contains("incident_status_counts says 7 incidents are 'closed', the incidents view has 0")
                .doesNotContain("incident A-1").doesNotContain("incident B-1");
    }

    /** The views are read a page at a time: every page size finds the same, also at the pages' edges and after the last. */
    @Test
    void pagesOfAnySizeFindTheSameProblems() throws Exception {
        startGateway();
        appendWorkload();
        for (String id : List.of("D-1", "E-1", "F-1")) {
            store.append(declare(id));
        }
        for (int size : List.of(1, 2, 3, 1000)) {
            assertThat(new ChainVerifier(dataSource, audit.chainKey(), size).verifyAll()).as("page size %d", size)
                    .satisfies(r -> assertThat(r.intact()).isTrue()).satisfies(r -> assertThat(r.incidents()).isEqualTo(6))
                    .satisfies(r -> assertThat(r.events()).isEqualTo(15));
        }
        Incident madeUp = new Incident("C-2", "made up", Severity.SEV1, IncidentStatus.DECLARED, null, java.time.Instant.now(),
                null, null, null, null, "01J00000000000000000000000", 1, "ab".repeat(32), 0);
        admin.asAdmin(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                TimelineRows.bindIncident(ps, madeUp);
                ps.executeUpdate();
            }
        });
        asAdmin("DELETE FROM incidents WHERE id = 'B-1'", "DELETE FROM incidents WHERE id = 'F-1'",
                "UPDATE incidents SET title = 'benign' WHERE id = 'E-1'", "UPDATE incidents SET title = 'benign' WHERE id = 'A-1'");

        ChainVerifier.Report onePage = new ChainVerifier(dataSource, audit.chainKey(), 1000).verifyAll();
        assertThat(onePage.broken()).extracting(ChainVerifier.BrokenLink::incidentId).containsExactly("A-1", "B-1", "C-2", "E-1", "F-1");
        assertThat(onePage.incidents()).isEqualTo(7);
        for (int size : List.of(1, 2, 3)) {
            assertThat(new ChainVerifier(dataSource, audit.chainKey(), size).verifyAll()).as("page size %d", size).isEqualTo(onePage);
        }
    }

    /** alert_repeats counts repeats absorbed without an event: nothing in the log to check it against (README says so). */
    @Test
    void alertRepeatsAreNotCoveredByVerify() throws Exception {
        startGateway();
        appendWorkload();
        asAdmin("UPDATE incidents SET alert_repeats = 42 WHERE id = 'A-1'");
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
    }

    /** A row no reader can parse stops nothing: verify names it and goes on to the other incidents and the global chain. */
    @Test
    void anUnreadableEventRowIsReportedAndTheCheckGoesOn() throws Exception {
        startGateway();
        appendWorkload();
        TimelineEvent notJson = store.timeline("A-1", null, 10).get(1);
        TimelineEvent noType = store.timeline("B-1", null, 10).get(2);
        asAdmin("UPDATE timeline_events SET data = 'not json' WHERE id = '" + notJson.id() + "'",
                "UPDATE timeline_events SET type = 'NOTE' WHERE id = '" + noType.id() + "'");
        asAdmin("UPDATE incidents SET title = 'benign' WHERE id = 'C-1'"); // checked after both, in incident order

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("BROKEN: incident A-1 at seq 2 (event " + notJson.id() + "): the row cannot be read: its data is not valid JSON")
                .contains("BROKEN: incident B-1 at seq 3 (event " + noType.id() + "): the row cannot be read: its type is no event type")
                .contains("BROKEN: incident C-1 at seq 4").contains("view title is 'benign'")
                .contains("3 problems found in 3 incidents, 12 events");
        assertThatThrownBy(() -> store.timeline("A-1", null, 10)).isInstanceOfSatisfying(UnreadableEventException.class,
                e -> assertThat(e.eventId()).isEqualTo(notJson.id()));
        assertThatThrownBy(() -> store.since(null, 100)).isInstanceOf(UnreadableEventException.class);
    }

    /**
     * The writer stores data exactly as it hashes it; another spelling of the same JSON parses to the same tree (and so
     * passed the hash check before): extra whitespace, a duplicate key, a second document after the first, an escape.
     */
    @Test
    void dataNotStoredInItsCanonicalFormIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        store.append(declare("D-1"));
        String key = "\"correlationKey\":null,"; // every declare records the correlation key it bound (none here)
        Map<String, String> spelt = Map.of("A-1", "{" + key + "\"severity\": \"sev2\"}", "B-1", "{" + key
                        + "\"severity\":\"sev1\",\"severity\":\"sev2\"}", "C-1", "{" + key + "\"severity\":\"sev2\"} {\"severity\":\"sev1\"}",
                "D-1", "{" + key + "\"severity\":\"\\u0073ev2\"}");
        assertThat(store.timeline("A-1", null, 1).get(0).data().toString()).isEqualTo("{" + key + "\"severity\":\"sev2\"}");
        admin.asAdmin(c -> {
            for (Map.Entry<String, String> e : spelt.entrySet()) {
                try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE timeline_events SET data = ? WHERE incident_id = ? AND seq = 1")) {
                    ps.setString(1, e.getValue());
                    ps.setString(2, e.getKey());
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
        });

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        for (String id : spelt.keySet()) {
            assertThat(run.output()).contains("BROKEN: incident " + id + " at seq 1 (event " + store.timeline(id, null, 1).get(0).id()
                    + "): data is not stored in its canonical form");
        }
    }

    static com.fasterxml.jackson.databind.node.ObjectNode data() {
        return JsonNodeFactory.instance.objectNode();
    }
}
