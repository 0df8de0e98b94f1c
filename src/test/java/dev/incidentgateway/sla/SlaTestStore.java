package dev.incidentgateway.sla;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;

/** A migrated store (H2 or PostgreSQL) for the SLA contracts, and the shipped tracker route started on it. */
final class SlaTestStore implements AutoCloseable {
    final TestStore testStore;
    final HikariDataSource dataSource;
    final TimelineStore store;

    private SlaTestStore(TestStore testStore) {
        this.testStore = testStore;
        this.dataSource = StoreFactory.openAndMigrate(testStore.config());
        this.store = newWriter();
    }

    /** Skips visibly when PostgreSQL is asked for and GATEWAY_TEST_PG_URL is not set. */
    static SlaTestStore open(TestStore.Kind kind) {
        if (kind == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        return new SlaTestStore(TestStore.create(kind));
    }

    /** Another writer on the same database, as a second gateway would have. */
    TimelineStore newWriter() {
        return newWriter(dataSource);
    }

    /** A writer on {@code pool}: a closed pool makes one whose store cannot be reached. */
    TimelineStore newWriter(DataSource pool) {
        GatewayConfig config = testStore.config();
        return new TimelineStore(pool, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)), "dev.incidentgateway",
                64, 1000, new SimpleMeterRegistry(), testStore.chainKey(), List.of());
    }

    /** An incident's settled mark as stored ({@code recheckAt} {@code null}: until its next event). */
    record Settled(long lastSeq, Instant recheckAt, String policy) {
    }

    /** The incident's settled mark ({@code sla_settled}), {@code null} when it has none. */
    Settled settled(String incidentId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_seq, recheck_at, policy FROM sla_settled WHERE incident_id = ?")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                OffsetDateTime recheck = rs.getObject(2, OffsetDateTime.class);
                return new Settled(rs.getLong(1), recheck == null ? null : recheck.toInstant(), rs.getString(3));
            }
        }
    }

    /** The incident's notes by the tracker of this kind and target. */
    List<TimelineEvent> slaNotes(String incidentId, String kind, SlaTarget target) {
        return store.timeline(incidentId, null, 1000).stream().filter(e -> e.type() == EventType.NOTE
                && SlaTracker.PRINCIPAL.equals(e.principal()) && kind.equals(e.data().path("kind").asText())
                && target.wireName().equals(e.data().path("target").asText())).toList();
    }

    /**
     * A started Camel context running the shipped {@code routes/sla-tracker.camel.yaml} with {@code tracker}, scanning
     * once a second after the start and then only hourly: as a gateway that has just started.
     */
    CamelContext startTrackerRoute(SlaTracker tracker) throws Exception {
        return startTrackerRoute(tracker, store);
    }

    /** As {@link #startTrackerRoute(SlaTracker)}, the route's {@code timeline:append} appending to {@code appendTo}. */
    CamelContext startTrackerRoute(SlaTracker tracker, TimelineStore appendTo) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(appendTo, new CloudEventsWebhookMapper(GatewayJson.create())));
        camel.getRegistry().bind(SlaTracker.BEAN, tracker);
        Properties props = new Properties();
        props.put("gateway.sla.scanIntervalMs", "3600000");
        camel.getPropertiesComponent().setInitialProperties(props);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/sla-tracker.camel.yaml"));
        camel.start();
        return camel;
    }

    @Override
    public void close() {
        store.close();
        dataSource.close();
        testStore.close();
    }
}
