package dev.incidentgateway.store;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * An embedded H2 store's connections, whose commits are on disk when {@code commit()} returns (and so are the writes of
 * statements run with auto-commit on).
 *
 * <p>Why: with {@code WRITE_DELAY=0} H2 writes each commit before it returns. An outside audit (session 40) still lost
 * an event it had answered 201 to a SIGKILL (2 of 8 kills about 47–50 s after a start, when the first chunks are old
 * enough to be compacted by {@link H2FileMaintenance}); a probe then counted 5 commits in 10,000 that returned unwritten
 * while the maintenance ran. But that probe, like H2DurableCommitsIT until session 43, counted an emptied undo log as
 * unwritten, which H2 never writes as a page. With the exact check, commits without this wrapper's write were all on
 * disk (3 runs on a loaded machine), and {@code bench/kill-check.sh} lost nothing without it (6 runs): the audit's loss
 * is unexplained, and the write is kept as a guard that costs a lock and a check when nothing is unsaved (and no
 * measurable delivery throughput: bench/README.md, session 43).
 *
 * <p>After each commit this asks the store to write what is still unsaved: a write that starts after the transaction
 * ended holds it. Then the file's header is made to name the newest chunk ({@link H2NewestChunkHeader}): a chunk on disk
 * that H2's recovery cannot find is lost all the same (that one is needed: session 37). Hand-written because neither H2
 * nor HikariCP has a hook after a commit.
 *
 * <p>The same wrapper ends read-only transactions with a commit instead of a rollback ({@link H2ReadOnlyRollback}).
 */
final class H2DurableCommits {
    /** Statement methods that may change data in auto-commit mode (queries never do). */
    private static final Set<String> EXECUTES = Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch",
            "executeLargeBatch");
    /** Connection methods that return a statement whose executions are watched. */
    private static final Set<String> STATEMENTS = Set.of("createStatement", "prepareStatement", "prepareCall");

    private H2DurableCommits() {
    }

    /** {@code target}'s connections with durable commits, for HikariCP's {@code setDataSource}. */
    static DataSource wrap(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(H2DurableCommits.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    private static Connection connection(Connection c) {
        return (Connection) Proxy.newProxyInstance(H2DurableCommits.class.getClassLoader(), new Class<?>[] {Connection.class},
                (InvocationHandler) (proxy, method, args) -> {
                    if (method.getName().equals("rollback") && args == null && H2ReadOnlyRollback.committedInstead(c)) {
                        return null; // a read's rollback: H2ReadOnlyRollback says why (its commit has nothing to write)
                    }
                    Object result = invoke(c, method, args);
                    if (method.getName().equals("commit")) {
                        writeUnsaved(c);
                    } else if (STATEMENTS.contains(method.getName()) && result instanceof Statement s) {
                        return statement(s, c, method.getReturnType());
                    }
                    return result;
                });
    }

    private static Object statement(Statement s, Connection c, Class<?> type) {
        return Proxy.newProxyInstance(H2DurableCommits.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object result = invoke(s, method, args);
            if (EXECUTES.contains(method.getName()) && c.getAutoCommit()) {
                writeUnsaved(c);
            }
            return result;
        });
    }

    /** Writes what the store still holds unsaved (changes made after H2's own commit write), then the header catch-up. */
    private static void writeUnsaved(Connection c) throws SQLException {
        if (c.isClosed() || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)
                || local.getDatabase().getStore() == null) {
            return;
        }
        MVStore store = local.getDatabase().getStore().getMvStore();
        // One write, not a loop: with WRITE_DELAY=0 H2 has no background writer, so a write that another thread began
        // meanwhile (which makes this commit() return -1) ran to its end under the store lock this commit() then took.
        if (!store.isClosed() && store.hasUnsavedChanges()) {
            store.commit();
        }
        if (!store.isClosed()) {
            H2NewestChunkHeader.catchUp(store); // written is not yet found after a SIGKILL: see that class
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
