package dev.incidentgateway.store;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease's connection on PostgreSQL: every connection it does not keep goes back to the pool. */
class AdvisoryLeaseTest {
    private final AtomicInteger borrowed = new AtomicInteger();
    private final AtomicInteger returned = new AtomicInteger();

    /**
     * A lock query the server refuses (a statement cancelled, 57014: not a broken connection, so the pool does not evict
     * it itself) leaves the connection with the pool: each failed tick used to keep one, until the pool had none left.
     */
    @Test
    void aLockQueryThatFailsGivesItsConnectionBack() {
        AdvisoryLease lease = new AdvisoryLease(pool(new SQLException("canceling statement due to user request", "57014")),
                SqlDialect.POSTGRESQL, AdvisoryLease.SOURCE_POLLERS, "servicenow");

        for (int tick = 0; tick < 3; tick++) {
            assertThat(lease.acquire()).isFalse();
        }

        assertThat(borrowed).hasValue(3);
        assertThat(returned).as("connections given back to the pool").hasValue(3);
        assertThat(lease.isLeader()).isFalse();
    }

    /** A pool whose connections fail every statement with {@code failure}; counts borrows and closes. */
    private DataSource pool(SQLException failure) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (ds, m, args) -> {
            if (!m.getName().equals("getConnection")) {
                throw new UnsupportedOperationException(m.getName());
            }
            borrowed.incrementAndGet();
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (c, cm, cargs) -> {
                switch (cm.getName()) {
                    case "close" -> {
                        returned.incrementAndGet();
                        return null;
                    }
                    case "prepareStatement" -> throw failure;
                    default -> throw new UnsupportedOperationException(cm.getName());
                }
            });
        });
    }
}
