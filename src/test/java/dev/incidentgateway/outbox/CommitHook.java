package dev.incidentgateway.outbox;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A data source whose connections run a test's action once, just before the next commit (the transaction still open):
 * lets a contract put another instance's work at exactly that moment.
 */
final class CommitHook {
    private CommitHook() {
    }

    static DataSource wrap(DataSource target, AtomicReference<Runnable> beforeNextCommit) {
        return (DataSource) Proxy.newProxyInstance(CommitHook.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return method.getName().equals("getConnection") ? connection((Connection) result, beforeNextCommit) : result;
                });
    }

    private static Connection connection(Connection target, AtomicReference<Runnable> beforeNextCommit) {
        return (Connection) Proxy.newProxyInstance(CommitHook.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        Runnable action = beforeNextCommit.getAndSet(null);
                        if (action != null) {
                            action.run();
                        }
                    }
                    return invoke(target, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
