package dev.incidentgateway.testsupport;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * For jqwik containers on PostgreSQL ({@code @AddLifecycleHook(RequirePostgres.class)}): skipped visibly without
 * GATEWAY_TEST_PG_URL, run (and so failed) in CI. jqwik has its own skip hook: a JUnit assumption would be an error in
 * a jqwik lifecycle method and a discarded try inside a property.
 */
public final class RequirePostgres implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return PostgresTestDatabase.available() || "true".equals(System.getenv("CI")) ? SkipResult.doNotSkip()
                : SkipResult.skip("PostgreSQL tests skipped: set GATEWAY_TEST_PG_URL");
    }
}
