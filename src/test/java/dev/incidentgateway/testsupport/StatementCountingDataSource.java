package dev.incidentgateway.testsupport;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DataSource} that counts the statements run through the connections it hands out (each {@code prepareStatement},
 * {@code prepareCall} and {@code createStatement}): a test of a set-based read asserts that the count does not grow with
 * the number of rows asked for, which no timing can show. JDK proxies, as the store tests' other recording connections.
 */
public final class StatementCountingDataSource {
    private static final Set<String> STATEMENTS = Set.of("prepareStatement", "prepareCall", "createStatement");

    private final AtomicInteger count = new AtomicInteger();
    private final DataSource counting;

    public StatementCountingDataSource(DataSource real) {
        this.counting = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    return result instanceof Connection c && method.getName().equals("getConnection") ? counted(c) : result;
                });
    }

    /** The counting data source. */
    public DataSource dataSource() {
        return counting;
    }

    /** Statements run so far. */
    public int statements() {
        return count.get();
    }

    private Connection counted(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (STATEMENTS.contains(method.getName())) {
                        count.incrementAndGet();
                    }
                    return invoke(method, real, args);
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
