package dev.incidentgateway.store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;

/**
 * The store's pool as YAML routes see it ({@code jdbc:gatewayDataSource}): while the background health probe's last
 * check failed, a connection is refused at once (an HTTP route answers 503 + Retry-After) instead of each request
 * waiting the pool's connection timeout, 5 s, for a store known not to answer — as the API's own reads do.
 */
public final class ProbeGatedDataSource implements DataSource {
    private final DataSource pool;
    private final StoreHealthProbe probe;

    public ProbeGatedDataSource(DataSource pool, StoreHealthProbe probe) {
        this.pool = pool;
        this.probe = probe;
    }

    @Override
    public Connection getConnection() throws SQLException {
        refuseWhileDown();
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        refuseWhileDown();
        return pool.getConnection(username, password);
    }

    private void refuseWhileDown() throws SQLTransientConnectionException {
        if (probe.lastProbeFailed()) {
            throw new SQLTransientConnectionException("the store does not answer (health probe)", "08001");
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
