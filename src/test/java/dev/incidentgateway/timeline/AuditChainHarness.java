package dev.incidentgateway.timeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.audit.Checkpoint;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.VerifyCommand;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

/**
 * What every AuditChain*Contract (and DerivedTablesForgeryContract) shares: the keyed audit chain against a database admin
 * ({@link AuditTampering}). Each
 * test has its own store (a tampered log stays tampered); the gateway code starts on it when a test says so, as an
 * upgrade does. On PostgreSQL the admin disables the append-only triggers.
 */
abstract class AuditChainHarness {
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
        dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        admin = new AuditTampering(dataSource, dialect);
    }

    /** Starts the current gateway code on the store (key check, checkpointer, writer), as an upgrade does. */
    void startGateway() {
        startGateway(List.of());
    }

    /** {@link #startGateway()} with a writer that runs {@code listeners} with each append, as the gateway's does. */
    void startGateway(List<AppendListener> listeners) {
        audit = AuditModule.create(config, dataSource);
        store = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 64, 1000, new SimpleMeterRegistry(),
                audit.chainKey(), listeners);
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

    void asAdmin(String... statements) throws SQLException {
        admin.asAdmin(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.executeUpdate(sql);
                }
            }
        });
    }
}
