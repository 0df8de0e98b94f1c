package dev.incidentgateway.store;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProbeGatedDataSourceTest {

    @Test
    void whileTheProbeFailsAConnectionIsRefusedWithoutAskingThePool() throws Exception {
        AtomicBoolean storeAnswers = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        DataSource pool = dataSource(() -> {
            asked.incrementAndGet();
            if (!storeAnswers.get()) {
                throw new SQLTransientConnectionException("Connection is not available, request timed out after 5000ms");
            }
            return connection();
        });
        try (StoreHealthProbe probe = new StoreHealthProbe(pool, Duration.ofMillis(20), Duration.ofMillis(100))) {
            ProbeGatedDataSource gated = new ProbeGatedDataSource(pool, probe);
            assertThat(gated.getConnection()).isNotNull();

            storeAnswers.set(false);
            await().atMost(Duration.ofSeconds(5)).until(probe::lastProbeFailed);
            probe.close(); // no more probes: what the pool is asked from here on is the gated data source's doing
            int before = asked.get();
            assertThatThrownBy(gated::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("health probe");
            assertThat(asked.get()).as("the pool was not asked").isEqualTo(before);
        }
    }

    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private static DataSource dataSource(ConnectionSource source) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class}, (p, m, a) -> {
            if (m.getName().equals("getConnection")) {
                return source.get();
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Connection connection() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class}, (p, m, a) -> switch (m.getName()) {
            case "isValid" -> true;
            case "close" -> null;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }
}
