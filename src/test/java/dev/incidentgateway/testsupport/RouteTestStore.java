package dev.incidentgateway.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;

/** A migrated H2 store with its TimelineStore, for camel-test-junit5 route tests; {@link #close} closes all three. */
public final class RouteTestStore implements AutoCloseable {
    private final TestStore testStore = TestStore.create(TestStore.Kind.H2);
    private final HikariDataSource dataSource = StoreFactory.openAndMigrate(testStore.config());
    private final TimelineStore store = new TimelineStore(dataSource, SqlDialect.H2, "dev.incidentgateway", 16, 100,
            new SimpleMeterRegistry(), testStore.chainKey(), List.of());

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public TimelineStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
        dataSource.close();
        testStore.close();
    }
}
