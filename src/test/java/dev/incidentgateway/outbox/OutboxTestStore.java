package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** A migrated store whose appends write outbox rows for each connector, subscribed to sev3 and worse (outbox contracts). */
final class OutboxTestStore implements AutoCloseable {
    final TestStore testStore;
    final HikariDataSource dataSource;
    final TimelineStore timeline;
    final OutboxStore outbox;

    OutboxTestStore(TestStore.Kind kind, String... connectors) {
        if (kind == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind);
        GatewayConfig config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        List<SinkDescriptor> subscriptions = java.util.Arrays.stream(connectors).map(connector -> new SinkDescriptor(connector,
                EnumSet.allOf(EventType.class), Severity.SEV3, Map.of(), JsonNodeFactory.instance.objectNode())).toList();
        timeline = new TimelineStore(dataSource, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)), "dev.incidentgateway", 256,
                10_000, new SimpleMeterRegistry(), testStore.chainKey(), List.of(new OutboxWriter(subscriptions)));
        outbox = new OutboxStore(dataSource);
    }

    @Override
    public void close() {
        timeline.close();
        dataSource.close();
        testStore.close();
    }
}
